import { ExpressionError } from '../errors';
import { jsonByteLength, toPlainJson } from '../json';
import { messages, typeOfValue } from '../messages';
import { GUARD_BINDING, GuardState, maxItemsFor, regexGuard, resolveLimits, type EvaluateOptions } from './guard';
import { evaluateCompiled, getCompiled, type FailedExpression } from './parse';
import { syntaxDetail } from './syntax-messages';
import { VALUE_MAP_FUNCTION, valueMapFunction } from './value-map-function';
import type { ValueMapTables } from '../value-maps';

/**
 * What an expression sees. It is both the input document (`event.data.x`, `steps.a.b`) and bound
 * as variables (`$event`, `$steps`), so it stays reachable inside filters and mappings where the
 * bare names refer to the current item.
 */
export interface ExpressionContext {
  /** The CloudEvent that started the run: `{ id, source, type, subject, time, data, ... }`. */
  event: unknown;
  /** Outputs of the nodes that have run, by node id. */
  steps?: Record<string, unknown>;
  /** The flow's value maps, read by `$valueMap(name, key[, default])`; not part of the input document. */
  valueMaps?: ValueMapTables;
}

function fieldOf(err: unknown, key: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[key] : undefined;
}

const TOO_LARGE_CODES = new Set(['D2014', 'D2015']);

/** Turns whatever JSONata (or the JS engine under it) threw into an ExpressionError. */
export function toExpressionError(err: unknown, o: { source: string; state: GuardState }): ExpressionError {
  const { source, state } = o;
  const code = fieldOf(err, 'code');
  const rawMessage = fieldOf(err, 'message');
  const detail = typeof rawMessage === 'string' ? rawMessage : String(err);
  const rawPosition = fieldOf(err, 'position');
  const position = typeof rawPosition === 'number' ? rawPosition : undefined;
  const where = position === undefined ? {} : { position };
  const jsonataCode = typeof code === 'string' ? { jsonataCode: code } : {};
  const tooLarge = (typeof code === 'string' && TOO_LARGE_CODES.has(code)) || (err instanceof RangeError && /invalid (string|array) length|allocation failed/i.test(detail));
  if (tooLarge) {
    return new ExpressionError({ code: 'expression_too_large', message: messages.expressionTooLarge(state.limits.maxOutputBytes), expression: source, ...where, ...jsonataCode });
  }
  if (err instanceof RangeError && /call stack/i.test(detail)) {
    return new ExpressionError({ code: 'expression_depth', message: messages.expressionDepth(state.limits.maxDepth), expression: source, ...where });
  }
  return new ExpressionError({ code: 'expression_error', message: messages.expressionFailed({ ...where, detail }), expression: source, ...where, ...jsonataCode });
}

function syntaxError(entry: FailedExpression, source: string): ExpressionError {
  return new ExpressionError({
    code: 'expression_error',
    message: messages.expressionInvalid({ position: entry.position, detail: syntaxDetail(entry) }),
    expression: source,
    position: entry.position,
    jsonataCode: entry.code,
  });
}

/**
 * Evaluates `source` against the context within the limits and returns a plain JSON value
 * (undefined when the expression selects nothing). Throws ExpressionError, never hangs.
 */
export async function evaluateExpression(source: string, context: ExpressionContext, options?: EvaluateOptions): Promise<unknown> {
  const limits = resolveLimits(options);
  const entry = getCompiled(source, maxItemsFor(limits));
  if (!entry.ok) throw syntaxError(entry, source);
  const state = new GuardState({ source, options });
  const steps = context.steps ?? {};
  let raw: unknown;
  try {
    raw = await evaluateCompiled(entry, { event: context.event, steps }, { event: context.event, steps, [VALUE_MAP_FUNCTION]: valueMapFunction(context.valueMaps, state), [GUARD_BINDING]: state }, regexGuard(state));
  } catch (err) {
    throw state.failure ?? toExpressionError(err, { source, state });
  }
  // A limit tripped inside something that swallowed the error still fails the evaluation.
  if (state.failure) throw state.failure;
  const value = toPlainJson(raw);
  if (value !== undefined && jsonByteLength(value, limits.maxOutputBytes) > limits.maxOutputBytes) {
    throw new ExpressionError({ code: 'expression_too_large', message: messages.expressionTooLarge(limits.maxOutputBytes), expression: source });
  }
  return value;
}

/**
 * Evaluates an edge condition or trigger filter. Strict: the result must be exactly true or false;
 * anything else (including "no value") is an error, so a mistyped field never silently routes a run.
 */
export async function evaluateCondition(source: string, context: ExpressionContext, options?: EvaluateOptions): Promise<boolean> {
  const value = await evaluateExpression(source, context, options);
  if (typeof value === 'boolean') return value;
  throw new ExpressionError({ code: 'expression_error', message: messages.conditionNotBoolean(typeOfValue(value)), expression: source });
}
