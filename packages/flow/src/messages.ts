import type { z } from 'zod';
import type { LocalizedText } from './registry';
import type { Path } from './errors';
import { NODE_ID_PATTERN } from './ids';
import { MAX_REGEX_REPEAT, type RegexProblem } from './expression/regex-engine';

/** Every sentence here exists in both languages; zh-CN first-class, not a translation afterthought. */
type Text = LocalizedText;

export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

const TYPE_NAMES_ZH: Record<string, string> = {
  string: '字符串',
  number: '数字',
  int: '整数',
  boolean: '布尔值',
  bigint: '大整数',
  array: '数组',
  object: '对象',
  record: '对象',
  tuple: '数组',
  null: '空值（null）',
  undefined: '未定义',
  date: '日期',
  function: '函数',
  nan: 'NaN',
};
const TYPE_NAMES_EN: Record<string, string> = { int: 'integer', record: 'object', tuple: 'array', nan: 'NaN' };

function typeEn(t: string): string {
  return TYPE_NAMES_EN[t] ?? t;
}
function typeZh(t: string): string {
  return TYPE_NAMES_ZH[t] ?? t;
}

/** A JSON-ish type name for a value, for "expected X, got Y" sentences. */
export function typeOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'nan';
  return typeof value;
}

function list(values: readonly unknown[], sep: string): string {
  return values.map((v) => (typeof v === 'string' ? `"${v}"` : String(v))).join(sep);
}

/** The thing a zod issue is about, e.g. "Parameter model.FCustId" / "参数 model.FCustId". */
export interface Subject {
  en: string;
  'zh-CN': string;
}

export function parameterSubject(path: Path): Subject {
  if (path.length === 0) return { en: 'Parameters', 'zh-CN': '参数' };
  const p = formatPath(path);
  return { en: `Parameter ${p}`, 'zh-CN': `参数 ${p}` };
}

export function fieldSubject(path: Path): Subject {
  if (path.length === 0) return { en: 'The document', 'zh-CN': '文档' };
  const p = formatPath(path);
  return { en: `Field ${p}`, 'zh-CN': `字段 ${p}` };
}

function sizeUnit(origin: string, n: number | bigint): Text {
  if (origin === 'string') return { en: `${n} character${n === 1 ? '' : 's'}`, 'zh-CN': `${n} 个字符` };
  if (origin === 'array' || origin === 'set') return { en: `${n} item${n === 1 ? '' : 's'}`, 'zh-CN': `${n} 项` };
  return { en: String(n), 'zh-CN': String(n) };
}

function tooSmall(s: Subject, issue: z.core.$ZodIssueTooSmall): Text {
  const { origin, minimum, inclusive, exact } = issue;
  const u = sizeUnit(origin, minimum);
  if (origin === 'string' || origin === 'array' || origin === 'set') {
    if (exact) return { en: `${s.en} must have exactly ${u.en}`, 'zh-CN': `${s['zh-CN']} 必须恰好为 ${u['zh-CN']}` };
    if (minimum === 1 && origin === 'string') return { en: `${s.en} must not be empty`, 'zh-CN': `${s['zh-CN']} 不能为空` };
    if (minimum === 1) return { en: `${s.en} must have at least 1 item`, 'zh-CN': `${s['zh-CN']} 至少需要 1 项` };
    return { en: `${s.en} must have at least ${u.en}`, 'zh-CN': `${s['zh-CN']} 至少需要 ${u['zh-CN']}` };
  }
  return inclusive === false
    ? { en: `${s.en} must be greater than ${minimum}`, 'zh-CN': `${s['zh-CN']} 必须大于 ${minimum}` }
    : { en: `${s.en} must be at least ${minimum}`, 'zh-CN': `${s['zh-CN']} 必须大于或等于 ${minimum}` };
}

function tooBig(s: Subject, issue: z.core.$ZodIssueTooBig): Text {
  const { origin, maximum, inclusive, exact } = issue;
  const u = sizeUnit(origin, maximum);
  if (origin === 'string' || origin === 'array' || origin === 'set') {
    if (exact) return { en: `${s.en} must have exactly ${u.en}`, 'zh-CN': `${s['zh-CN']} 必须恰好为 ${u['zh-CN']}` };
    return { en: `${s.en} must have at most ${u.en}`, 'zh-CN': `${s['zh-CN']} 最多只能有 ${u['zh-CN']}` };
  }
  return inclusive === false
    ? { en: `${s.en} must be less than ${maximum}`, 'zh-CN': `${s['zh-CN']} 必须小于 ${maximum}` }
    : { en: `${s.en} must be at most ${maximum}`, 'zh-CN': `${s['zh-CN']} 必须小于或等于 ${maximum}` };
}

function invalidFormat(s: Subject, issue: z.core.$ZodIssueInvalidStringFormat): Text {
  if (issue.format === 'regex' && issue.pattern === String(NODE_ID_PATTERN)) {
    return {
      en: `${s.en} must start with a letter or underscore and contain only letters, digits and underscores (at most 64 characters)`,
      'zh-CN': `${s['zh-CN']} 必须以字母或下划线开头，只能包含字母、数字和下划线（最多 64 个字符）`,
    };
  }
  if (issue.format === 'regex') {
    return { en: `${s.en} must match the pattern ${issue.pattern ?? ''}`, 'zh-CN': `${s['zh-CN']} 必须符合格式 ${issue.pattern ?? ''}` };
  }
  return { en: `${s.en} must be a valid ${issue.format}`, 'zh-CN': `${s['zh-CN']} 不是有效的 ${issue.format} 格式` };
}

/** Our own sentence for a zod issue, from its code and data — never zod's English-only message. */
export function describeIssue(issue: z.core.$ZodIssue, subject: Subject): Text {
  const s = subject;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return { en: `${s.en} is required`, 'zh-CN': `${s['zh-CN']} 为必填项` };
      return {
        en: `${s.en} must be ${article(typeEn(issue.expected))} (got ${typeEn(typeOfValue(issue.input))})`,
        'zh-CN': `${s['zh-CN']} 应为${typeZh(issue.expected)}，实际为${typeZh(typeOfValue(issue.input))}`,
      };
    case 'too_small':
      return tooSmall(s, issue);
    case 'too_big':
      return tooBig(s, issue);
    case 'invalid_format':
      return invalidFormat(s, issue);
    case 'not_multiple_of':
      return { en: `${s.en} must be a multiple of ${issue.divisor}`, 'zh-CN': `${s['zh-CN']} 必须是 ${issue.divisor} 的倍数` };
    case 'unrecognized_keys':
      return {
        en: `${s.en} has unknown field${issue.keys.length === 1 ? '' : 's'}: ${issue.keys.join(', ')}`,
        'zh-CN': `${s['zh-CN']} 含有未知字段：${issue.keys.join('、')}`,
      };
    case 'invalid_value':
      if (issue.values.length === 1) {
        return { en: `${s.en} must be ${list(issue.values, '')}`, 'zh-CN': `${s['zh-CN']} 必须为 ${list(issue.values, '')}` };
      }
      return {
        en: `${s.en} must be one of: ${list(issue.values, ', ')}`,
        'zh-CN': `${s['zh-CN']} 必须是以下值之一：${list(issue.values, '、')}`,
      };
    case 'invalid_union':
      return { en: `${s.en} does not match any of the allowed forms`, 'zh-CN': `${s['zh-CN']} 不符合任何允许的格式` };
    case 'invalid_key':
      return { en: `${s.en} has an invalid key`, 'zh-CN': `${s['zh-CN']} 含有无效的键` };
    case 'invalid_element':
      return { en: `${s.en} has an invalid element`, 'zh-CN': `${s['zh-CN']} 含有无效的元素` };
    case 'custom':
      if (issue.params?.['qiao'] === 'reserved_node_id') {
        return { en: `${s.en} is a reserved name; choose another node id`, 'zh-CN': `${s['zh-CN']} 是保留名称，请换一个节点 ID` };
      }
      if (issue.params?.['qiao'] === 'reserved_edge_id') {
        return { en: `${s.en} is a reserved name; choose another edge id`, 'zh-CN': `${s['zh-CN']} 是保留名称，请换一个连线 ID` };
      }
      if (issue.params?.['qiao'] === 'reserved_value_map_name') {
        return { en: `${s.en} is a reserved name; choose another value map name`, 'zh-CN': `${s['zh-CN']} 是保留名称，请换一个值映射表名称` };
      }
      if (issue.params?.['qiao'] === 'duplicate_value_map_name') {
        return { en: `${s.en}: another value map is already named ${String(issue.params['name'])}`, 'zh-CN': `${s['zh-CN']}：已有名为 ${String(issue.params['name'])} 的值映射表` };
      }
      if (issue.params?.['qiao'] === 'duplicate_value_map_key') {
        return { en: `${s.en}: the key ${JSON.stringify(issue.params['key'])} appears more than once in this value map`, 'zh-CN': `${s['zh-CN']}：键 ${JSON.stringify(issue.params['key'])} 在此值映射表中重复出现` };
      }
      if (issue.params?.['qiao'] === 'max_delay_below_initial') {
        return { en: `${s.en} must not be less than initialDelayMs`, 'zh-CN': `${s['zh-CN']} 不能小于 initialDelayMs` };
      }
      // Custom checks carry their author's own message; we can only frame it.
      return { en: `${s.en} is invalid: ${issue.message}`, 'zh-CN': `${s['zh-CN']} 无效：${issue.message}` };
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`;
}

/** Where an expression sits, for sentences about it. */
export type ExpressionSite =
  | { kind: 'parameter'; nodeId: string; path: Path }
  | { kind: 'condition'; edgeId: string }
  | { kind: 'filter' };

function siteText(site: ExpressionSite): Text {
  switch (site.kind) {
    case 'parameter': {
      const p = formatPath(site.path.slice(1));
      return { en: `parameter ${p} of node ${site.nodeId}`, 'zh-CN': `节点 ${site.nodeId} 的参数 ${p}` };
    }
    case 'condition':
      return { en: `the condition of edge ${site.edgeId}`, 'zh-CN': `连线 ${site.edgeId} 的条件` };
    case 'filter':
      return { en: 'the trigger filter', 'zh-CN': '触发器过滤条件' };
  }
}

/** Chinese typography: a space between Latin text and the Chinese that follows it. */
function zhAfter(text: string): string {
  return /[A-Za-z0-9_\])}.]$/.test(text) ? `${text} ` : text;
}

export const messages = {
  duplicateNodeId: (id: string): Text => ({
    en: `Node id ${id} is used by more than one node`,
    'zh-CN': `节点 ID ${id} 被多个节点使用`,
  }),
  duplicateEdgeId: (id: string): Text => ({
    en: `Edge id ${id} is used by more than one edge`,
    'zh-CN': `连线 ID ${id} 被多条连线使用`,
  }),
  danglingEdge: (o: { edgeId: string; end: 'source' | 'target'; nodeId: string }): Text =>
    o.end === 'source'
      ? { en: `Edge ${o.edgeId} starts at node ${o.nodeId}, which does not exist`, 'zh-CN': `连线 ${o.edgeId} 的起点节点 ${o.nodeId} 不存在` }
      : { en: `Edge ${o.edgeId} ends at node ${o.nodeId}, which does not exist`, 'zh-CN': `连线 ${o.edgeId} 的终点节点 ${o.nodeId} 不存在` },
  selfLoop: (o: { edgeId: string; nodeId: string }): Text => ({
    en: `Edge ${o.edgeId} connects node ${o.nodeId} to itself`,
    'zh-CN': `连线 ${o.edgeId} 将节点 ${o.nodeId} 连回了自身`,
  }),
  cycle: (o: { nodeId: string; cycle: readonly string[] }): Text => {
    const loop = [...o.cycle, o.cycle[0] ?? ''].join(' → ');
    return { en: `Node ${o.nodeId} is part of a cycle: ${loop}`, 'zh-CN': `节点 ${o.nodeId} 处于循环中：${loop}` };
  },
  unknownNodeType: (o: { nodeId: string; type: string }): Text => ({
    en: `Node ${o.nodeId} has unknown type ${o.type}`,
    'zh-CN': `节点 ${o.nodeId} 的类型 ${o.type} 不存在`,
  }),
  missingConnection: (o: { nodeId: string; connectorId: string }): Text => ({
    en: `Node ${o.nodeId} needs a ${o.connectorId} connection`,
    'zh-CN': `节点 ${o.nodeId} 需要选择一个 ${o.connectorId} 连接`,
  }),
  parameterSchemaThrew: (o: { nodeId: string; detail: string }): Text => ({
    en: `The parameters of node ${o.nodeId} could not be checked: ${o.detail}`,
    'zh-CN': `无法校验节点 ${o.nodeId} 的参数：${o.detail}`,
  }),
  expressionSyntax: (o: { site: ExpressionSite; position: number; detail: Text }): Text => {
    const w = siteText(o.site);
    return {
      en: `The expression in ${w.en} has an error at position ${o.position}: ${o.detail.en}`,
      'zh-CN': `${zhAfter(w['zh-CN'])}中的表达式在第 ${o.position} 个字符处有错误：${o.detail['zh-CN']}`,
    };
  },
  unknownReference: (o: { site: ExpressionSite; ref: string }): Text => {
    const w = siteText(o.site);
    return {
      en: `The expression in ${w.en} refers to steps.${o.ref}, but there is no node ${o.ref}`,
      'zh-CN': `${zhAfter(w['zh-CN'])}中的表达式引用了 steps.${o.ref}，但不存在节点 ${o.ref}`,
    };
  },
  stepsInTriggerFilter: (ref: string): Text => ({
    en: `The trigger filter refers to steps.${ref}, but only event is available when the trigger is checked`,
    'zh-CN': `触发器过滤条件引用了 steps.${ref}，但检查触发条件时只能使用 event`,
  }),
  selfReference: (o: { site: ExpressionSite; nodeId: string }): Text => {
    const w = siteText(o.site);
    return {
      en: `The expression in ${w.en} refers to the output of node ${o.nodeId} itself, which does not exist yet`,
      'zh-CN': `${zhAfter(w['zh-CN'])}中的表达式引用了节点 ${o.nodeId} 自身的输出，而该输出此时尚不存在`,
    };
  },
  notUpstream: (o: { site: ExpressionSite; ref: string }): Text => {
    const w = siteText(o.site);
    const before = o.site.kind === 'condition' ? { en: `edge ${o.site.edgeId}`, zh: `连线 ${o.site.edgeId}` } : { en: 'it', zh: '它' };
    return {
      en: `The expression in ${w.en} refers to steps.${o.ref}, but node ${o.ref} is not connected before ${before.en}`,
      'zh-CN': `${zhAfter(w['zh-CN'])}中的表达式引用了 steps.${o.ref}，但节点 ${o.ref} 并未连接在${zhAfter(before.zh)}之前`,
    };
  },
  emptyFlow: (): Text => ({
    en: 'The flow has no nodes; add at least one step',
    'zh-CN': '流程中没有任何节点，请至少添加一个步骤',
  }),
  missingVersion: (): Text => ({
    en: 'The document has no schemaVersion',
    'zh-CN': '文档缺少 schemaVersion',
  }),
  unsupportedVersion: (o: { version: unknown; current: number }): Text => ({
    en: `Document schemaVersion ${String(o.version)} is not supported (this version of Qiao reads versions up to ${o.current})`,
    'zh-CN': `不支持文档版本 schemaVersion ${String(o.version)}（当前版本的 Qiao 最高支持 ${o.current}）`,
  }),
  noMigration: (o: { from: number; current: number }): Text => ({
    en: `There is no migration from schemaVersion ${o.from} towards ${o.current}`,
    'zh-CN': `缺少从 schemaVersion ${o.from} 升级到 ${o.current} 的迁移步骤`,
  }),
  migrationFailed: (o: { id: string; detail: string }): Text => ({
    en: `Migration ${o.id} failed: ${o.detail}`,
    'zh-CN': `迁移步骤 ${o.id} 执行失败：${o.detail}`,
  }),
  expressionTimeout: (ms: number): Text => ({
    en: `The expression took longer than ${ms} ms and was stopped`,
    'zh-CN': `表达式执行超过 ${ms} 毫秒，已被终止`,
  }),
  expressionDepth: (depth: number): Text => ({
    en: `The expression nested deeper than ${depth} levels (runaway recursion?) and was stopped`,
    'zh-CN': `表达式嵌套超过 ${depth} 层（可能是无限递归），已被终止`,
  }),
  expressionTooLarge: (bytes: number): Text => ({
    en: `The expression produced a value larger than ${bytes} bytes and was stopped`,
    'zh-CN': `表达式产生的值超过 ${bytes} 字节，已被终止`,
  }),
  expressionFailed: (o: { position?: number; detail: string }): Text =>
    o.position === undefined
      ? { en: `The expression failed: ${o.detail}`, 'zh-CN': `表达式执行出错：${o.detail}` }
      : {
          en: `The expression failed at position ${o.position}: ${o.detail}`,
          'zh-CN': `表达式在第 ${o.position} 个字符处执行出错：${o.detail}`,
        },
  expressionInvalid: (o: { position: number; detail: Text }): Text => ({
    en: `The expression cannot be run; error at position ${o.position}: ${o.detail.en}`,
    'zh-CN': `表达式无法执行，第 ${o.position} 个字符处有错误：${o.detail['zh-CN']}`,
  }),
  conditionNotBoolean: (got: string): Text => ({
    en: `A condition must evaluate to true or false, but this one gave ${typeEn(got)}; wrap it in $boolean(...) or $exists(...) if truthiness is meant`,
    'zh-CN': `条件表达式的结果必须是 true 或 false，而此表达式得到的是${typeZh(got)}；如需按真值判断，请使用 $boolean(...) 或 $exists(...)`,
  }),
  unsupportedRegex: (problem: RegexProblem): Text => {
    const why = {
      en: 'Qiao runs regular expressions with RE2, an engine whose matching time grows only linearly with the text, so that no pattern can hang a flow; it has no backtracking',
      'zh-CN': 'Qiao 使用 RE2 引擎执行正则表达式，匹配时间只随文本长度线性增长，任何正则都不会卡住流程；该引擎不支持回溯',
    };
    switch (problem.kind) {
      case 'backreference':
        return {
          en: `Backreferences (\\1, \\k<name>) are not supported in regular expressions. ${why.en}`,
          'zh-CN': `正则表达式不支持反向引用（\\1、\\k<name>）。${why['zh-CN']}`,
        };
      case 'lookahead':
        return {
          en: `Lookahead ((?=…), (?!…)) is not supported in regular expressions. ${why.en}`,
          'zh-CN': `正则表达式不支持先行断言（(?=…)、(?!…)）。${why['zh-CN']}`,
        };
      case 'lookbehind':
        return {
          en: `Lookbehind ((?<=…), (?<!…)) is not supported in regular expressions. ${why.en}`,
          'zh-CN': `正则表达式不支持后行断言（(?<=…)、(?<!…)）。${why['zh-CN']}`,
        };
      case 'repeat_count':
        return {
          en: `Repetition counts in a regular expression may not exceed ${MAX_REGEX_REPEAT}, and nested counts multiply: (a{100}){100} is too many`,
          'zh-CN': `正则表达式中的重复次数不能超过 ${MAX_REGEX_REPEAT}，且嵌套的重复次数会相乘：例如 (a{100}){100} 就超出了限制`,
        };
      case 'invalid':
        return {
          en: `This regular expression is not supported by Qiao's regex engine (RE2): ${problem.detail}`,
          'zh-CN': `Qiao 的正则引擎（RE2）不支持该正则表达式：${problem.detail}`,
        };
    }
  },
  regexTooCostly: (ms: number): Text => ({
    en: `A regular expression was too complex for the length of the text it searched to be sure to finish within ${ms} ms, so it was not run; simplify the pattern or search a shorter text`,
    'zh-CN': `正则表达式相对于所搜索文本的长度过于复杂，无法保证在 ${ms} 毫秒内完成，因此未执行；请简化正则表达式或缩短要搜索的文本`,
  }),
  unknownValueMap: (o: { site: ExpressionSite; name: string }): Text => {
    const w = siteText(o.site);
    return {
      en: `The expression in ${w.en} uses the value map ${o.name}, but the flow has no value map of that name`,
      'zh-CN': `${zhAfter(w['zh-CN'])}中的表达式使用了值映射表 ${o.name}，但流程中没有这个名称的值映射表`,
    };
  },
  valueMapNotFound: (name: string): Text => ({
    en: `$valueMap: the flow has no value map named ${JSON.stringify(name)}`,
    'zh-CN': `$valueMap：流程中没有名为 ${JSON.stringify(name)} 的值映射表`,
  }),
  valueMapBadArgument: (o: { argument: 'name' | 'key'; got: string }): Text =>
    o.argument === 'name'
      ? { en: `$valueMap: the first argument must be the name of a value map (a string), not ${typeEn(o.got)}`, 'zh-CN': `$valueMap：第一个参数必须是值映射表的名称（字符串），而不是${typeZh(o.got)}` }
      : { en: `$valueMap: the key must be a string, number or boolean, not ${typeEn(o.got)}`, 'zh-CN': `$valueMap：键必须是字符串、数字或布尔值，而不是${typeZh(o.got)}` },
  valueMapMissingKey: (o: { name: string; key: string }): Text => ({
    en: `$valueMap: the value map ${o.name} has no entry for the key ${JSON.stringify(o.key)}; add the row, or pass a default as the third argument`,
    'zh-CN': `$valueMap：值映射表 ${o.name} 中没有键 ${JSON.stringify(o.key)}；请添加该行，或以第三个参数提供默认值`,
  }),
  evalNotAllowed: (): Text => ({
    en: 'The $eval function is not available in Qiao expressions, so that every reference can be checked before the flow runs',
    'zh-CN': 'Qiao 表达式中不能使用 $eval 函数，以便在流程运行前检查所有引用',
  }),
};
