import { ExpressionError } from '../errors';
import { messages } from '../messages';
import type { RegexGuard } from './regex-engine';

export interface ExpressionLimits {
  /** Evaluation time budget, excluding time spent yielding to the event loop. Default 1000. */
  timeoutMs?: number;
  /** Maximum nesting of JSONata evaluation frames (≈ 3 per nested function call). Default 200. */
  maxDepth?: number;
  /**
   * Maximum size of the result as UTF-8 JSON. Also bounds every intermediate string (characters)
   * and array (maxOutputBytes / 2 items), and the strings and arrays built in one evaluation
   * together (about 32 × maxOutputBytes of memory). Default 1 MiB.
   */
  maxOutputBytes?: number;
}

export interface EvaluateOptions extends ExpressionLimits {
  /**
   * Monotonic milliseconds, read only to enforce `timeoutMs` and to decide when to yield.
   * Defaults to `performance.now` (or `Date.now`). Tests pass a fake clock.
   */
  now?: () => number;
}

export const DEFAULT_LIMITS = { timeoutMs: 1000, maxDepth: 200, maxOutputBytes: 1024 * 1024 } as const;

/** Memory that one evaluation may allocate for strings and arrays, as a multiple of maxOutputBytes. */
export const ALLOCATION_BUDGET_FACTOR = 32;

/** How much evaluation time may pass before the evaluation lets other tasks run. */
const YIELD_INTERVAL_MS = 10;

export type ResolvedLimits = Required<ExpressionLimits>;

export function resolveLimits(limits: ExpressionLimits | undefined): ResolvedLimits {
  return {
    timeoutMs: limits?.timeoutMs ?? DEFAULT_LIMITS.timeoutMs,
    maxDepth: limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth,
    maxOutputBytes: limits?.maxOutputBytes ?? DEFAULT_LIMITS.maxOutputBytes,
  };
}

/**
 * No intermediate value may be bigger than a value that could be returned: a string of n characters
 * serialises to at least n bytes and an array of n items to at least 2n.
 */
export function maxItemsFor(limits: ResolvedLimits): number {
  return Math.max(1, Math.floor(limits.maxOutputBytes / 2));
}

/** Host clock and timers, reached through globalThis so the package needs neither DOM nor Node typings. */
interface HostGlobals {
  performance?: { now(): number };
  setImmediate?: (callback: () => void) => unknown;
  setTimeout?: (callback: () => void, ms: number) => unknown;
}
const host = globalThis as unknown as HostGlobals;

const defaultNow: () => number = typeof host.performance?.now === 'function' ? () => host.performance?.now() ?? Date.now() : () => Date.now();

/**
 * JSONata 2 evaluates with `await` at every step, but awaiting settled promises only runs
 * microtasks: timers and I/O would still starve. A macrotask hop lets them run.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof host.setImmediate === 'function') host.setImmediate(resolve);
    else if (typeof host.setTimeout === 'function') host.setTimeout(resolve, 0);
    else resolve();
  });
}

/** Per-evaluation state, reached from the hooks through a binding no JSONata name can spell. */
export class GuardState {
  readonly limits: ResolvedLimits;
  readonly maxItems: number;
  readonly now: () => number;
  readonly source: string;
  readonly start: number;
  paused = 0;
  lastYield: number;
  depth = 0;
  /** Approximate bytes of strings and arrays built so far; see allocatedBy. */
  allocated = 0;
  readonly allocationBudget: number;
  failure: ExpressionError | undefined;

  constructor(o: { source: string; options: EvaluateOptions | undefined }) {
    this.source = o.source;
    this.limits = resolveLimits(o.options);
    this.maxItems = maxItemsFor(this.limits);
    this.allocationBudget = ALLOCATION_BUDGET_FACTOR * this.limits.maxOutputBytes;
    this.now = o.options?.now ?? defaultNow;
    this.start = this.now();
    this.lastYield = this.start;
  }

  elapsed(at: number): number {
    return at - this.start - this.paused;
  }

  async pause(): Promise<void> {
    const before = this.now();
    await yieldToEventLoop();
    const after = this.now();
    this.paused += after - before;
    this.lastYield = after;
  }
}

/** Contains a space, so no `$variable` in an expression can read or shadow it. */
export const GUARD_BINDING = 'qiao guard';

/**
 * What the hooks throw. JSONata decorates errors passing through function calls (adds position,
 * token), so the real, immutable ExpressionError stays on the state and replaces this at the end.
 */
export class GuardTrip {
  readonly qiaoGuardTrip = true;
}

function stateOf(environment: unknown): GuardState | undefined {
  if (typeof environment !== 'object' || environment === null) return undefined;
  const lookup: unknown = (environment as { lookup?: unknown }).lookup;
  if (typeof lookup !== 'function') return undefined;
  const state: unknown = lookup.call(environment, GUARD_BINDING);
  return state instanceof GuardState ? state : undefined;
}

function positionOf(node: unknown): number | undefined {
  const p: unknown = typeof node === 'object' && node !== null ? (node as { position?: unknown }).position : undefined;
  return typeof p === 'number' ? p : undefined;
}

export function trip(state: GuardState, error: ExpressionError): never {
  state.failure ??= error;
  throw new GuardTrip();
}

function failWith(state: GuardState, o: { code: ExpressionError['code']; node: unknown }): never {
  const { limits, source } = state;
  const message =
    o.code === 'expression_timeout'
      ? messages.expressionTimeout(limits.timeoutMs)
      : o.code === 'expression_depth'
        ? messages.expressionDepth(limits.maxDepth)
        : messages.expressionTooLarge(limits.maxOutputBytes);
  const position = positionOf(o.node);
  return trip(state, new ExpressionError({ code: o.code, message, expression: source, ...(position === undefined ? {} : { position }) }));
}

/** Runs before JSONata evaluates any AST node: depth and time checks, and the event-loop hop. */
export function onEntry(node: unknown, _input: unknown, environment: unknown): Promise<void> | undefined {
  const state = stateOf(environment);
  if (!state) return undefined;
  // Sticky: JSONata's $eval-style wrappers may catch a trip; every later step trips again.
  if (state.failure) throw new GuardTrip();
  state.depth++;
  if (state.depth > state.limits.maxDepth) failWith(state, { code: 'expression_depth', node });
  const at = state.now();
  if (state.elapsed(at) > state.limits.timeoutMs) failWith(state, { code: 'expression_timeout', node });
  if (at - state.lastYield >= YIELD_INTERVAL_MS) return state.pause();
  return undefined;
}

/** Regex work units (see searchCost) one search may cost per millisecond of the time limit. */
export const REGEX_UNITS_PER_MS = 50_000;

/**
 * For the regex engine, before every search. `$match`, `$replace` and `$split` search again after
 * every match inside a single function call that no hook sees, so the time limit (and a failure
 * already recorded) is checked here too. One search cannot be interrupted: RE2 makes it linear in
 * the text, and a search whose worst case would not fit the whole time limit is refused up front.
 */
export function regexGuard(state: GuardState): RegexGuard {
  return ({ cost }) => {
    if (state.failure) throw new GuardTrip();
    const { timeoutMs } = state.limits;
    if (cost > timeoutMs * REGEX_UNITS_PER_MS) {
      trip(state, new ExpressionError({ code: 'expression_timeout', message: messages.regexTooCostly(timeoutMs), expression: state.source }));
    }
    if (state.elapsed(state.now()) > timeoutMs) failWith(state, { code: 'expression_timeout', node: undefined });
  };
}

/**
 * Rough bytes of memory a node's result newly allocated: strings returned by function calls
 * (2 bytes a character) and arrays built by calls, ranges and array constructors (8 bytes an item).
 * `&` is not counted: engines concatenate by reference, and counting it would make ordinary
 * accumulating expressions look quadratic.
 */
function allocatedBy(node: unknown, result: unknown): number {
  if (typeof node !== 'object' || node === null) return 0;
  const { type, value } = node as { type?: unknown; value?: unknown };
  const call = type === 'function' || type === 'apply' || type === 'partial';
  if (typeof result === 'string') return call ? 2 * result.length : 0;
  if (!Array.isArray(result)) return 0;
  const builds = call || (type === 'binary' && value === '..') || (type === 'unary' && value === '[');
  return builds ? 8 * result.length : 0;
}

/**
 * Runs after each AST node: stops giant intermediate strings and arrays as soon as they appear,
 * and many medium ones (a thousand-fold map of `$pad`) through the per-evaluation memory budget.
 */
export function onExit(node: unknown, _input: unknown, environment: unknown, result: unknown): void {
  const state = stateOf(environment);
  if (!state) return;
  state.depth--;
  if (typeof result === 'string' && result.length > state.limits.maxOutputBytes) failWith(state, { code: 'expression_too_large', node });
  if (Array.isArray(result) && result.length > state.maxItems) failWith(state, { code: 'expression_too_large', node });
  state.allocated += allocatedBy(node, result);
  if (state.allocated > state.allocationBudget) failWith(state, { code: 'expression_too_large', node });
}

/** Guarded replacement for `$pad`, whose width would otherwise allocate without limit. */
export function safePad(this: unknown, str: string | undefined, width: number, char?: string): string | undefined {
  if (str === undefined) return undefined;
  const w = Math.trunc(width);
  const focus = typeof this === 'object' && this !== null ? (this as { environment?: unknown }).environment : undefined;
  const state = stateOf(focus);
  if (state && Math.abs(w) > state.limits.maxOutputBytes) failWith(state, { code: 'expression_too_large', node: undefined });
  const fill = char === undefined || char.length === 0 ? ' ' : char;
  const padLength = Math.abs(w) - [...str].length;
  if (padLength <= 0) return str;
  // Same result as JSONata's $pad: the fill repeated, cut to padLength code points.
  const fillPoints = [...fill];
  const padding = fill.repeat(Math.ceil(padLength / fillPoints.length));
  const cut = fillPoints.length > 1 ? [...padding].slice(0, padLength).join('') : padding;
  return w > 0 ? str + cut : cut + str;
}
