/**
 * A deep copy of `value` that PostgreSQL `jsonb` accepts. jsonb refuses two things JSON.stringify
 * happily writes: the NUL character (\u0000) and lone UTF-16 surrogates (half of an emoji, e.g.
 * after a string was cut in the middle). In strings and object keys alike, NUL is removed and a
 * lone surrogate becomes U+FFFD. Well-formed pairs (emoji) are kept.
 *
 * The result is plain JSON data, converted the way JSON.stringify would: `toJSON` is honoured
 * (Date → ISO string, Decimal → decimal string), NaN and ±Infinity become null, undefined /
 * functions / symbols are left out of objects and become null in arrays, only own enumerable
 * string keys are kept. Two things differ: a bigint becomes its decimal string (money stays exact)
 * instead of throwing, and an unrepresentable top-level value gives null instead of undefined.
 * A cycle throws a TypeError, as with JSON.stringify. Objects seen twice (not a cycle) are copied
 * twice. If cleaning makes two keys equal, the later one wins.
 */
export function toStorableJson(value: unknown): unknown {
  return copy(value, '', []) ?? null;
}

// eslint-disable-next-line no-control-regex -- NUL is precisely what jsonb refuses.
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'g');

/**
 * Removes NUL and replaces lone surrogates with U+FFFD. Also what a PostgreSQL `text` column
 * needs (it refuses NUL too), e.g. for an error message from a remote system.
 */
export function toStorableString(text: string): string {
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE_ALL, (match) => (match === '\u0000' ? '' : '\uFFFD'));
}

/** undefined means "leave out" (in an object) or null (in an array), as in JSON.stringify. */
function copy(input: unknown, key: string, ancestors: object[]): unknown {
  const value = withToJson(input, key);
  switch (typeof value) {
    case 'string':
      return toStorableString(value);
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      if (value === null) return null;
      return copyContainer(value, ancestors);
    default:
      // undefined, function, symbol
      return undefined;
  }
}

function copyContainer(value: object, ancestors: object[]): unknown {
  if (ancestors.includes(value)) throw new TypeError('toStorableJson: the value contains a cycle');
  ancestors.push(value);
  try {
    if (Array.isArray(value)) {
      // A loop, not map: map would keep holes, which JSON turns into null.
      const items: unknown[] = [];
      for (let index = 0; index < value.length; index += 1) items.push(copy(value[index], String(index), ancestors) ?? null);
      return items;
    }
    // Boxed primitives, as JSON.stringify unwraps them.
    if (value instanceof String || value instanceof Number || value instanceof Boolean) return copy(value.valueOf(), '', ancestors);
    const out: Record<string, unknown> = {};
    for (const [name, item] of Object.entries(value)) {
      const copied = copy(item, name, ancestors);
      if (copied === undefined) continue;
      // defineProperty, so a "__proto__" key stays plain data.
      Object.defineProperty(out, toStorableString(name), { value: copied, enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    ancestors.pop();
  }
}

function withToJson(value: unknown, key: string): unknown {
  if (typeof value === 'object' && value !== null && 'toJSON' in value && typeof value.toJSON === 'function') {
    return (value.toJSON as (key: string) => unknown)(key);
  }
  return value;
}
