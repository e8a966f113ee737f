/**
 * JSON helpers shared by evaluation (normalising JSONata results) and by callers that hash plans.
 * Objects are rebuilt with Object.fromEntries so a `__proto__` key stays an ordinary key.
 */

function isJsonataFunction(value: object): boolean {
  const v = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return v._jsonata_lambda === true || v._jsonata_function === true;
}

function hasToJson(value: object): value is { toJSON(): unknown } {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/**
 * A plain JSON value with the meaning JSON.stringify would give it: JSONata sequences become
 * ordinary arrays, `undefined` and functions vanish from objects and become null in arrays,
 * non-finite numbers become null. Returns undefined for a value with no JSON form.
 */
export function toPlainJson(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map((item) => toPlainJson(item) ?? null);
      if (isJsonataFunction(value)) return undefined;
      if (hasToJson(value)) return toPlainJson(value.toJSON());
      const entries: [string, unknown][] = [];
      for (const [key, item] of Object.entries(value)) {
        const plain = toPlainJson(item);
        if (plain !== undefined) entries.push([key, plain]);
      }
      return Object.fromEntries(entries);
    }
    default:
      return undefined;
  }
}

/** UTF-8 length of a string, without allocating an encoded copy. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Bytes of the compact JSON of a plain JSON value (as from toPlainJson), counting only until
 * `limit` is passed, so a giant value is judged without building its JSON text.
 */
export function jsonByteLength(value: unknown, limit: number = Number.POSITIVE_INFINITY): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= limit) {
    const v = stack.pop();
    if (v === null || v === undefined) total += 4;
    else if (typeof v === 'string') total += utf8Length(JSON.stringify(v));
    else if (typeof v === 'number' || typeof v === 'boolean') total += String(v).length;
    else if (Array.isArray(v)) {
      total += 2 + Math.max(0, v.length - 1);
      for (const item of v) stack.push(item);
    } else if (typeof v === 'object') {
      const entries = Object.entries(v);
      total += 2 + Math.max(0, entries.length - 1);
      for (const [key, item] of entries) {
        total += utf8Length(JSON.stringify(key)) + 1;
        stack.push(item);
      }
    }
  }
  return total;
}

function canonical(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('canonicalJson: BigInt has no JSON form');
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item) => canonical(item) ?? 'null').join(',')}]`;
      if (hasToJson(value)) return canonical(value.toJSON());
      const parts: string[] = [];
      for (const key of Object.keys(value).sort()) {
        const item = canonical((value as Record<string, unknown>)[key]);
        if (item !== undefined) parts.push(`${JSON.stringify(key)}:${item}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return undefined;
  }
}

/**
 * JSON with object keys sorted (by UTF-16 code units) and no whitespace — the RFC 8785 (JCS)
 * layout — so equal values give equal text and a caller can hash a plan. Hashing is not done here:
 * this package stays free of crypto and of Node built-ins.
 */
export function canonicalJson(value: unknown): string {
  return canonical(value) ?? 'null';
}
