import type { z } from 'zod';
import { isExpression } from './document';
import { ExpressionError, type Path } from './errors';
import { evaluateExpression, type ExpressionContext } from './expression/evaluate';
import type { EvaluateOptions } from './expression/guard';
import { toPlainJson } from './json';

export interface ExpressionSiteInParameters {
  /** Path of the value that is an expression, starting at the parameters object. */
  path: Path;
  source: string;
}

/** Every `{ $expr }` inside `value`, with its path, depth first in document order. */
export function collectExpressions(value: unknown, base: Path = []): ExpressionSiteInParameters[] {
  const found: ExpressionSiteInParameters[] = [];
  const walk = (v: unknown, path: Path): void => {
    if (isExpression(v)) found.push({ path, source: v.$expr });
    else if (Array.isArray(v)) v.forEach((item, i) => walk(item, [...path, i]));
    else if (typeof v === 'object' && v !== null) for (const [k, item] of Object.entries(v)) walk(item, [...path, k]);
  };
  walk(value, base);
  return found;
}

/** A copy of `value` with each expression replaced by `replacement`. */
export function replaceExpressions(value: unknown, replacement: unknown): unknown {
  if (isExpression(value)) return replacement;
  if (Array.isArray(value)) return value.map((item) => replaceExpressions(item, replacement));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, item]) => [k, replaceExpressions(item, replacement)]));
  }
  return value;
}

function startsWith(path: readonly PropertyKey[], prefix: Path): boolean {
  return prefix.length <= path.length && prefix.every((part, i) => String(part) === String(path[i]));
}

export type ParameterCheck = { ok: true; issues: z.core.$ZodIssue[] } | { ok: false; thrown: string };

/**
 * Validates parameters whose expressions are still unresolved. Expressions are replaced by null
 * and issues at or inside an expression position are dropped: those values exist only at run
 * time. Union and custom-check issues on an ancestor of an expression are dropped too, since
 * their verdict depends on the unknown value. Returns `ok: false` when the schema itself throws
 * (a refinement that assumed a value was present).
 */
export function checkParameters(parameters: Record<string, unknown>, schema: z.ZodType): ParameterCheck {
  const sites = collectExpressions(parameters).map((s) => s.path);
  let result: ReturnType<z.ZodType['safeParse']>;
  try {
    result = schema.safeParse(replaceExpressions(parameters, null), { reportInput: true });
  } catch (err) {
    return { ok: false, thrown: err instanceof Error ? err.message : String(err) };
  }
  if (result.success) return { ok: true, issues: [] };
  const issues = result.error.issues.filter((issue) => {
    if (sites.some((site) => startsWith(issue.path, site))) return false;
    const dependsOnExpression = issue.code === 'custom' || issue.code === 'invalid_union';
    return !(dependsOnExpression && sites.some((site) => startsWith(site, issue.path.map((p) => (typeof p === 'number' ? p : String(p))))));
  });
  return { ok: true, issues };
}

/**
 * Resolves every `{ $expr }` in `parameters` against the context and returns a plain JSON value;
 * literals are copied unchanged. Object keys whose expression selects nothing are omitted; array
 * items that select nothing become null so positions are kept. Expressions run one at a time, each
 * within the limits. Failures are ExpressionErrors carrying the parameter path.
 */
export async function resolveParameters(parameters: unknown, context: ExpressionContext, options?: EvaluateOptions): Promise<unknown> {
  const resolve = async (v: unknown, path: Path): Promise<unknown> => {
    if (isExpression(v)) {
      try {
        return await evaluateExpression(v.$expr, context, options);
      } catch (err) {
        throw err instanceof ExpressionError ? err.at(path) : err;
      }
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      for (let i = 0; i < v.length; i++) out.push((await resolve(v[i], [...path, i])) ?? null);
      return out;
    }
    if (typeof v === 'object' && v !== null) {
      const entries: [string, unknown][] = [];
      for (const [k, item] of Object.entries(v)) {
        const resolved = await resolve(item, [...path, k]);
        if (resolved !== undefined) entries.push([k, resolved]);
      }
      return Object.fromEntries(entries);
    }
    return toPlainJson(v);
  };
  return resolve(parameters, ['parameters']);
}
