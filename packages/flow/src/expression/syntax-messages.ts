import type { LocalizedText } from '../registry';
import { messages } from '../messages';
import { QIAO_EVAL_CODE, QIAO_UNSUPPORTED_REGEX_CODE, type FailedExpression } from './parse';

type Template = (o: { token: string; value: string }) => string;

/** Chinese for JSONata's most common parser messages; others fall back to JSONata's English. */
const ZH: Record<string, Template> = {
  S0101: () => '字符串缺少结束引号',
  S0102: (o) => `数字超出范围：${o.token}`,
  S0103: (o) => `不支持的转义序列：\\${o.token}`,
  S0104: () => '\\u 之后必须跟 4 位十六进制数字',
  S0105: () => '带引号的属性名缺少结束反引号（`）',
  S0106: () => '注释缺少结束标记 */',
  S0201: (o) => `语法错误：${o.token}`,
  S0202: (o) => `此处应为 ${o.value}，实际为 ${o.token}`,
  S0203: (o) => `表达式结束前缺少 ${o.value}`,
  S0204: (o) => `未知运算符：${o.token}`,
  S0205: (o) => `意外的符号：${o.token}`,
  S0207: () => '表达式意外结束（表达式为空或不完整）',
  S0208: (o) => `函数定义的参数 ${o.value} 必须是变量名（以 $ 开头）`,
  S0211: (o) => `符号 ${o.token} 不能用作一元运算符`,
  S0212: () => ':= 的左侧必须是变量名（以 $ 开头）',
  S0301: () => '不允许空的正则表达式',
  S0302: () => '正则表达式缺少结束的 /',
};

/** Bilingual text for why an expression could not be parsed (or was refused). */
export function syntaxDetail(entry: Pick<FailedExpression, 'code' | 'message' | 'token' | 'value' | 'regex'>): LocalizedText {
  if (entry.code === QIAO_EVAL_CODE) return messages.evalNotAllowed();
  if (entry.code === QIAO_UNSUPPORTED_REGEX_CODE && entry.regex) return messages.unsupportedRegex(entry.regex);
  const template = ZH[entry.code];
  const zh = template ? template({ token: JSON.stringify(entry.token ?? ''), value: JSON.stringify(entry.value ?? '') }) : `表达式语法错误：${entry.message}`;
  return { en: entry.message, 'zh-CN': zh };
}
