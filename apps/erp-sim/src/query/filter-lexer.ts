import { FilterSyntaxError } from './filter-ast';

export type Token =
  | { type: 'ident'; value: string; pos: number }
  | { type: 'keyword'; value: Keyword; pos: number }
  | { type: 'string'; value: string; pos: number }
  | { type: 'number'; value: string; pos: number }
  | { type: 'op'; value: string; pos: number }
  | { type: 'lparen' | 'rparen' | 'comma' | 'eof'; pos: number };

const KEYWORDS = ['and', 'or', 'not', 'like', 'in', 'is', 'null'] as const;
export type Keyword = (typeof KEYWORDS)[number];

function asKeyword(word: string): Keyword | undefined {
  const lower = word.toLowerCase();
  return KEYWORDS.find((k) => k === lower);
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isIdentStart = (c: string): boolean => /[A-Za-z_\u4e00-\u9fff]/.test(c);
const isIdentPart = (c: string): boolean => /[A-Za-z0-9_.\u4e00-\u9fff]/.test(c);

/** Splits a K3 FilterString (SQL-ish) into tokens. Field keys may contain dots: FCustId.FNumber. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input.charAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === "'" || ((c === 'N' || c === 'n') && input.charAt(i + 1) === "'")) {
      // SQL Server style literal, N'…' included; '' is an escaped quote.
      i += c === "'" ? 1 : 2;
      let value = '';
      for (;;) {
        if (i >= input.length) throw new FilterSyntaxError('字符串未结束', start);
        const ch = input.charAt(i);
        if (ch === "'") {
          if (input.charAt(i + 1) === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += ch;
        i++;
      }
      tokens.push({ type: 'string', value, pos: start });
      continue;
    }
    if (isDigit(c) || ((c === '-' || c === '+' || c === '.') && isDigit(input.charAt(i + 1)))) {
      i++;
      while (i < input.length && (isDigit(input.charAt(i)) || input.charAt(i) === '.')) i++;
      const value = input.slice(start, i);
      if (!/^[-+]?(\d+\.?\d*|\.\d+)$/.test(value)) throw new FilterSyntaxError(`数字格式错误: ${value}`, start);
      tokens.push({ type: 'number', value, pos: start });
      continue;
    }
    if (isIdentStart(c) || c === '[') {
      // [FBillNo] bracket quoting is accepted as in SQL Server.
      if (c === '[') {
        const end = input.indexOf(']', i);
        if (end < 0) throw new FilterSyntaxError('缺少 ]', start);
        tokens.push({ type: 'ident', value: input.slice(i + 1, end), pos: start });
        i = end + 1;
        continue;
      }
      while (i < input.length && isIdentPart(input.charAt(i))) i++;
      const word = input.slice(start, i);
      const keyword = asKeyword(word);
      tokens.push(keyword ? { type: 'keyword', value: keyword, pos: start } : { type: 'ident', value: word, pos: start });
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '<>' || two === '!=' || two === '>=' || two === '<=') {
      tokens.push({ type: 'op', value: two, pos: start });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      tokens.push({ type: 'op', value: c, pos: start });
      i++;
      continue;
    }
    if (c === '(') tokens.push({ type: 'lparen', pos: start });
    else if (c === ')') tokens.push({ type: 'rparen', pos: start });
    else if (c === ',') tokens.push({ type: 'comma', pos: start });
    else throw new FilterSyntaxError(`无法识别的字符 ${c}`, start);
    i++;
  }
  tokens.push({ type: 'eof', pos: input.length });
  return tokens;
}
