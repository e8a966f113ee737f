import type { Connector } from './define-connector';
import { authFieldNames } from './define-connector';

/** What a connection summary may hold: scalars only. */
export type PublicSummary = Record<string, string | number | boolean>;

/**
 * The part of a connection's credentials that may be shown and stored in clear: only the fields
 * the connector lists in `publicFields` (an allow-list, so a new secret field is hidden by
 * default), only scalar values, and URL credentials (`user:pass@`), query strings and fragments
 * removed from any URL. A connector without `publicFields` yields an empty summary.
 */
export function publicSummary(connector: Connector, credentials: unknown): PublicSummary {
  const summary: PublicSummary = {};
  if (typeof credentials !== 'object' || credentials === null || Array.isArray(credentials)) return summary;
  const values = credentials as Record<string, unknown>;
  for (const field of connector.publicFields ?? []) {
    if (!Object.hasOwn(values, field)) continue;
    const value = values[field];
    if (typeof value === 'string') summary[field] = stripUrlSecrets(value);
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) summary[field] = value;
  }
  return summary;
}

/** Auth fields that say where the credentials are sent (e.g. kingdee `serverUrl`, http `baseUrl`). */
export function endpointFields(connector: Connector): string[] {
  return [...(connector.endpointFields ?? [])];
}

/**
 * Auth fields holding secrets (e.g. kingdee `password`, `appSecret`). A connector that does not
 * declare them is treated cautiously: every auth field that is not public counts as secret.
 */
export function secretFields(connector: Connector): string[] {
  if (connector.secretFields) return [...connector.secretFields];
  const publicOnes = new Set(connector.publicFields ?? []);
  return (authFieldNames(connector.auth) ?? []).filter((field) => !publicOnes.has(field));
}

/** `scheme://user:pass@host/path?q#f` → `scheme://host/path`; any other string is returned as is. */
export function stripUrlSecrets(value: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(value.trim());
  if (!match) return value;
  const [, scheme = '', authority = '', rest = ''] = match;
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  const path = rest.replace(/[?#].*$/s, '');
  return `${scheme}${host}${path}`;
}
