import { z } from 'zod';

/**
 * What event types an API key may send: `*` (any), an exact type (`com.acme.order.created`), or a
 * prefix pattern ending in `.*` (`com.acme.order.*` matches `com.acme.order.created` and deeper).
 */
export const scopePatternSchema = z
  .string()
  .trim()
  .max(200)
  .regex(/^(\*|[A-Za-z0-9][A-Za-z0-9._:/-]*?(\.\*)?)$/, { error: 'a scope is "*", an event type, or a prefix ending in ".*" (e.g. com.acme.order.*)' });

export const scopesSchema = z.array(scopePatternSchema).min(1, { error: 'give at least one event type or pattern' }).max(100);

export function typeAllowed(scopes: readonly string[], type: string): boolean {
  for (const scope of scopes) {
    if (scope === '*' || scope === type) return true;
    // "com.acme.order.*" → anything starting with "com.acme.order." (never "com.acme.orderx").
    if (scope.endsWith('.*') && type.startsWith(scope.slice(0, -1)) && type.length > scope.length - 1) return true;
  }
  return false;
}
