import jsonata from 'jsonata';
import { messages } from '../messages';
import { inspectAst } from './ast';
import { DEFAULT_LIMITS, maxItemsFor, onEntry, onExit, resolveLimits, safePad } from './guard';
import { checkRegex, LinearRegExp, type RegexGuard, type RegexProblem } from './regex-engine';

export type ParseResult = { ok: true } | { ok: false; message: string; position: number; code: string };

/** Codes for constructs Qiao refuses although JSONata would parse them. */
export const QIAO_EVAL_CODE = 'QIAO_EVAL';
export const QIAO_UNSUPPORTED_REGEX_CODE = 'QIAO_UNSUPPORTED_REGEX';

export interface CompiledExpression {
  ok: true;
  expression: jsonata.Expression;
  ast: unknown;
  /** The options object JSONata keeps a reference to; see evaluateCompiled. */
  options: jsonata.JsonataOptions;
  hasRegex: boolean;
}
export interface FailedExpression {
  ok: false;
  message: string;
  position: number;
  code: string;
  token?: string;
  value?: string;
  /** Set with QIAO_UNSUPPORTED_REGEX_CODE. */
  regex?: RegexProblem;
}
export type CacheEntry = CompiledExpression | FailedExpression;

/**
 * Parsing is the expensive part and the worker evaluates the same few expressions thousands of
 * times, so parsed expressions are kept, least recently used first out.
 */
const MAX_CACHE_ENTRIES = 2000;
const cache = new Map<string, CacheEntry>();

// JSONata looks these hooks up by symbol; its typings only admit string names.
const ENTRY_HOOK = Symbol.for('jsonata.__evaluate_entry') as unknown as string;
const EXIT_HOOK = Symbol.for('jsonata.__evaluate_exit') as unknown as string;

const DEFAULT_SEQUENCE_LIMIT = maxItemsFor(resolveLimits(DEFAULT_LIMITS));

function fieldOf(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

function failureFrom(err: unknown): FailedExpression {
  const message = fieldOf(err, 'message');
  const position = fieldOf(err, 'position');
  const code = fieldOf(err, 'code');
  const token = fieldOf(err, 'token');
  const value = fieldOf(err, 'value');
  return {
    ok: false,
    message: typeof message === 'string' ? message : String(err),
    position: typeof position === 'number' ? position : 0,
    code: typeof code === 'string' ? code : 'S0000',
    ...(typeof token === 'string' ? { token } : {}),
    ...(typeof value === 'string' ? { value } : {}),
  };
}

// JSONata constructs its `RegexEngine` with `new`; LinearRegExp provides what it uses of RegExp.
const DEFAULT_REGEX_ENGINE = LinearRegExp as unknown as RegExpConstructor;

function build(source: string, sequenceLimit: number): CacheEntry {
  // `sequence` makes JSONata refuse ranges and sequences longer than any value we could return.
  const options: jsonata.JsonataOptions = { sequence: sequenceLimit, RegexEngine: DEFAULT_REGEX_ENGINE };
  let expression: jsonata.Expression;
  try {
    expression = jsonata(source, options);
  } catch (err) {
    return failureFrom(err);
  }
  const ast = expression.ast();
  const { unsafe, hasRegex } = inspectAst(ast, checkRegex);
  if (unsafe?.kind === 'eval') {
    // $eval would run code the compiler never saw, defeating the upstream-reference check.
    return { ok: false, code: QIAO_EVAL_CODE, position: unsafe.position, message: '$eval is not available in Qiao expressions' };
  }
  if (unsafe?.kind === 'regex') {
    // Refused here rather than failing when the flow runs: RE2 cannot express the construct.
    return { ok: false, code: QIAO_UNSUPPORTED_REGEX_CODE, position: unsafe.position, message: messages.unsupportedRegex(unsafe.problem).en, regex: unsafe.problem };
  }
  expression.assign(ENTRY_HOOK, onEntry);
  expression.assign(EXIT_HOOK, onExit);
  expression.registerFunction('pad', safePad, '<s-ns?:s>');
  return { ok: true, expression, ast, options, hasRegex };
}

/**
 * Evaluates a compiled expression whose regexes consult `guard` before every search. JSONata reads
 * `options.RegexEngine` synchronously when `evaluate` is called (before its first `await`), so
 * swapping it for the duration of the call gives this evaluation, and only this one, its own engine
 * even though the compiled expression and its options are shared through the cache.
 */
export function evaluateCompiled(entry: CompiledExpression, input: unknown, bindings: Record<string, unknown>, guard: RegexGuard): Promise<unknown> {
  if (!entry.hasRegex) return entry.expression.evaluate(input, bindings);
  const engine = function QiaoRegExp(pattern: RegExp): LinearRegExp {
    return new LinearRegExp(pattern, guard);
  };
  entry.options.RegexEngine = engine as unknown as RegExpConstructor;
  try {
    return entry.expression.evaluate(input, bindings);
  } finally {
    entry.options.RegexEngine = DEFAULT_REGEX_ENGINE;
  }
}

/** The parsed expression for `source`, from the cache when possible. */
export function getCompiled(source: string, sequenceLimit: number = DEFAULT_SEQUENCE_LIMIT): CacheEntry {
  const key = `${sequenceLimit}\u0000${source}`;
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const entry = build(source, sequenceLimit);
  cache.set(key, entry);
  if (cache.size > MAX_CACHE_ENTRIES) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  return entry;
}

/** Checks that `source` is JSONata Qiao will run; `position` is JSONata's character offset. */
export function parseExpression(source: string): ParseResult {
  const entry = getCompiled(source);
  return entry.ok ? { ok: true } : { ok: false, message: entry.message, position: entry.position, code: entry.code };
}

/** For tests and long-lived processes that want memory back. */
export function clearExpressionCache(): void {
  cache.clear();
}

export function expressionCacheSize(): number {
  return cache.size;
}
