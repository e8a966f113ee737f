import { RE2JS, RE2JSException, type Matcher } from 're2js';

/**
 * JSONata's regexes (`/…/i`, `/…/m`) are run by RE2 (the pure-JS `re2js` port) instead of the host's
 * backtracking engine. A running native RegExp cannot be interrupted, and patterns like `^(a|aa)+$`
 * take exponential time on a short string; RE2 matches in time linear in the input whatever the
 * pattern. The price is the constructs that need backtracking: backreferences and lookaround are
 * refused when the expression is parsed (see `checkRegex`).
 *
 * JSONata's parser still builds a native RegExp for each literal (so JavaScript syntax rules apply
 * first); `LinearRegExp` is what JSONata's `RegexEngine` option then constructs from it.
 */

/** Why a regex literal cannot be used; turned into a bilingual message by messages.unsupportedRegex. */
export type RegexProblem =
  | { kind: 'backreference' | 'lookahead' | 'lookbehind' | 'repeat_count' }
  | { kind: 'invalid'; detail: string };

/** The largest count RE2 accepts in `{n}`, `{n,m}` (and in nested repetitions, multiplied). */
export const MAX_REGEX_REPEAT = 1000;

// JavaScript's \s: WhiteSpace and LineTerminator of ECMA-262 (RE2's \s is ASCII only).
const WHITESPACE = '\\x{9}-\\x{d} \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
// JavaScript's `.` (without the s flag) excludes every line terminator, RE2's only \n.
const DOT = '[^\\n\\r\\x{2028}\\x{2029}]';

type Translation = { ok: true; pattern: string } | { ok: false; problem: RegexProblem };

/**
 * Rewrites a JavaScript (non-unicode) pattern into RE2 syntax with the same meaning where RE2 can
 * express it: `.` and `\s` keep JavaScript's character sets, `[\b]` is a backspace, a `[` inside a
 * class is literal (RE2 would read `[[:alpha:]]` as a POSIX class), and re2js's own translation
 * handles `\uXXXX`, `\cX`, `[]`, `[^]`, `(?<name>…)` and identity escapes. Backreferences and
 * lookaround are reported instead.
 */
export function translatePattern(source: string): Translation {
  const hasNamedGroups = /\(\?<[^=!]/.test(source);
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] ?? '';
    if (c === '\\') {
      const n = source[i + 1] ?? '';
      i++;
      if (!inClass && /[1-9]/.test(n)) return { ok: false, problem: { kind: 'backreference' } };
      if (!inClass && n === 'k' && source[i + 1] === '<' && hasNamedGroups) return { ok: false, problem: { kind: 'backreference' } };
      if (n === 's') out += inClass ? WHITESPACE : `[${WHITESPACE}]`;
      else if (n === 'S' && !inClass) out += `[^${WHITESPACE}]`;
      else if (n === 'b' && inClass) out += '\\x{8}';
      // JavaScript reads these as the plain letter; RE2 would give them a meaning (\A, \z, \Q…\E, bell).
      else if (n !== '' && 'aAzQE'.includes(n)) out += n;
      else out += c + n;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c === '[' ? '\\[' : c;
      continue;
    }
    if (c === '[') {
      // `[]` and `[^]` (match nothing / anything) are whole atoms in JavaScript; re2js rewrites them.
      const empty = source.startsWith('[]', i) ? '[]' : source.startsWith('[^]', i) ? '[^]' : undefined;
      if (empty) {
        out += empty;
        i += empty.length - 1;
        continue;
      }
      inClass = true;
      if (source[i + 1] === '^') {
        out += '[^';
        i++;
        continue;
      }
    } else if (c === '(' && source[i + 1] === '?') {
      if (source[i + 2] === '=' || source[i + 2] === '!') return { ok: false, problem: { kind: 'lookahead' } };
      if (source[i + 2] === '<' && (source[i + 3] === '=' || source[i + 3] === '!')) return { ok: false, problem: { kind: 'lookbehind' } };
    } else if (c === '.') {
      out += DOT;
      continue;
    }
    out += c;
  }
  return { ok: true, pattern: RE2JS.translateRegExp(out) };
}

type Compiled = { ok: true; re2: RE2JS } | { ok: false; problem: RegexProblem };

// Keyed by the RegExp object in the parsed AST, so entries go when the expression is dropped.
const compiled = new WeakMap<RegExp, Compiled>();

function flagsOf(re: RegExp): number {
  return (re.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0) | (re.multiline ? RE2JS.MULTILINE : 0);
}

function compile(re: RegExp): Compiled {
  const known = compiled.get(re);
  if (known) return known;
  let result: Compiled;
  const translated = translatePattern(re.source);
  if (!translated.ok) {
    result = translated;
  } else {
    try {
      result = { ok: true, re2: RE2JS.compile(translated.pattern, flagsOf(re)) };
    } catch (err) {
      if (!(err instanceof RE2JSException)) throw err;
      const detail = err.message.replace(/^error parsing regexp: /, '');
      result = { ok: false, problem: /repeat count/.test(detail) ? { kind: 'repeat_count' } : { kind: 'invalid', detail } };
    }
  }
  compiled.set(re, result);
  return result;
}

/** Whether RE2 can run this JSONata regex literal; checked once, when the expression is parsed. */
export function checkRegex(re: RegExp): RegexProblem | undefined {
  const c = compile(re);
  return c.ok ? undefined : c.problem;
}

/**
 * Consulted before every search with its worst-case cost in work units (see searchCost); throws to
 * stop the evaluation. The evaluation's guard checks the time limit here, because `$match`,
 * `$replace` and `$split` search again after every match inside one function call.
 */
export type RegexGuard = (o: { cost: number }) => void;

/** Per-character overhead of a search, in program instructions, whatever the pattern's size. */
const SEARCH_OVERHEAD = 20;

/**
 * An upper bound on the work of one search, in units of roughly 15 ns on a current server: RE2
 * never visits a (character, instruction) pair twice, but a pattern the DFA cannot handle runs the
 * NFA, whose cost per character grows with the program (`(?:[a-h]*[i-q]*){500}$` scans a
 * 1 MB text in about 30 s). A single search cannot be interrupted, so it is admitted only if this
 * bound fits the evaluation's time limit.
 */
export function searchCost(programSize: number, characters: number): number {
  return (programSize + SEARCH_OVERHEAD) * characters;
}

/**
 * Just enough of RegExp for JSONata: it constructs one per evaluation of a regex literal (always
 * global: JSONata adds the g flag), sets `lastIndex`, and calls `exec` until no match is left. Like
 * a global RegExp, `exec` searches from `lastIndex`, then sets it to the end of the match (0 when
 * there is none); the result is an array of the match and its groups (`undefined` for a group that
 * did not take part) with `index` and `input`.
 */
export class LinearRegExp {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly global = true;
  private readonly re2: RE2JS;
  private readonly programSize: number;
  private readonly guard: RegexGuard | undefined;
  private matcher: Matcher | undefined;
  private input: string | undefined;

  constructor(pattern: RegExp, guard?: RegexGuard) {
    const c = compile(pattern);
    // Parsing refuses such expressions, so this is only reached by expressions built elsewhere.
    if (!c.ok) throw new SyntaxError(`Regular expression /${pattern.source}/ is not supported: ${c.problem.kind === 'invalid' ? c.problem.detail : c.problem.kind}`);
    this.re2 = c.re2;
    this.programSize = c.re2.programSize();
    this.source = pattern.source;
    this.flags = pattern.flags;
    this.guard = guard;
  }

  exec(value: string): RegExpExecArray | null {
    const input = String(value);
    const from = this.lastIndex;
    if (!Number.isInteger(from) || from < 0 || from > input.length) {
      this.lastIndex = 0;
      return null;
    }
    this.guard?.({ cost: searchCost(this.programSize, input.length - from) });
    if (this.matcher === undefined || this.input !== input) {
      this.matcher = this.re2.matcher(input);
      this.input = input;
    }
    const m = this.matcher;
    if (!m.find(from)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g) ?? undefined);
    const start = m.start(0);
    this.lastIndex = m.end(0);
    return Object.assign(groups, { index: start, input }) as unknown as RegExpExecArray;
  }

  test(value: string): boolean {
    return this.exec(value) !== null;
  }

  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}
