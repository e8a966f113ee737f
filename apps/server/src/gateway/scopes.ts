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

/**
 * Types and sources that Qiao's own connectors publish only after verifying the sender (signed and
 * encrypted WeCom/DingTalk callbacks, MQTT subscriptions). Flows trigger on the type alone and events
 * dedupe on source + id, so a key that could send these would bypass the callback signature checks or
 * make a genuine callback look like a duplicate. `*` and broader prefixes therefore stop short of them;
 * a key reaches them only by naming them (scope `com.qiao.wecom.*`, source `wecom://<corp>/<agent>`).
 */
export const CONNECTOR_TYPE_PREFIXES = ['com.qiao.wecom.', 'com.qiao.dingtalk.', 'com.qiao.mqtt.'] as const;
export const CONNECTOR_SOURCE_PREFIXES = ['wecom:', 'urn:qiao:dingtalk:', 'mqtt:'] as const;

export function typeAllowed(scopes: readonly string[], type: string): boolean {
  const reserved = CONNECTOR_TYPE_PREFIXES.find((p) => type.startsWith(p));
  for (const scope of scopes) {
    if (scope === type) return true;
    if (scope === '*') {
      if (!reserved) return true;
      continue;
    }
    // "com.acme.order.*" → anything starting with "com.acme.order." (never "com.acme.orderx").
    const prefix = scope.endsWith('.*') ? scope.slice(0, -1) : null;
    if (prefix && type.startsWith(prefix) && type.length > prefix.length && (!reserved || prefix.startsWith(reserved))) return true;
  }
  return false;
}

/** A key bound to one source sends only that one; a `*` key sends any source except the connectors'. */
export function sourceAllowed(keySource: string, source: string): boolean {
  if (keySource !== '*') return keySource === source;
  const lower = source.toLowerCase();
  return !CONNECTOR_SOURCE_PREFIXES.some((p) => lower.startsWith(p));
}
