import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from './json';
import { toStorableJson, toStorableString } from './storable-json';

/** What PostgreSQL jsonb refuses in the JSON text: \u0000 and a \uD800–\uDFFF escape that is not part of a pair. */
function jsonbWouldRefuse(value: unknown): boolean {
  const text = JSON.stringify(value);
  return /\\u0000/.test(text) || /\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])|(?<!\\ud[89ab][0-9a-f]{2})\\ud[c-f][0-9a-f]{2}/i.test(text);
}

describe('toStorableString', () => {
  it('removes NUL and replaces lone surrogates with U+FFFD, keeping pairs', () => {
    expect(toStorableString('ab\u0000c\u0000')).toBe('abc');
    expect(toStorableString('x\uD83D')).toBe('x\uFFFD');
    expect(toStorableString('\uDE00y')).toBe('\uFFFDy');
    expect(toStorableString('\uDE00\uD83D')).toBe('\uFFFD\uFFFD');
    expect(toStorableString('ok 😀 金蝶')).toBe('ok 😀 金蝶');
    expect(toStorableString('😀'.slice(0, 1) + '😀')).toBe('\uFFFD😀');
  });
});

describe('toStorableJson', () => {
  it('cleans strings and keys at any depth, without touching the input', () => {
    const input = { 'na\u0000me': 'A\u0000B', list: [{ deep: ['\uD800', 'fine'] }], 'k\uDC00': 1 };
    const snapshot = structuredClone(input);
    const out = toStorableJson(input);
    expect(out).toEqual({ name: 'AB', list: [{ deep: ['\uFFFD', 'fine'] }], 'k\uFFFD': 1 });
    expect(input).toEqual(snapshot);
    expect(jsonbWouldRefuse(input)).toBe(true);
    expect(jsonbWouldRefuse(out)).toBe(false);
  });

  it('returns a deep copy even when nothing needs cleaning', () => {
    const input = { a: { b: [1, 'x', true, null] } };
    const out = toStorableJson(input) as typeof input;
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
    expect(out.a).not.toBe(input.a);
    expect(out.a.b).not.toBe(input.a.b);
  });

  it('keeps lossless numbers (decimal strings) and converts like JSON.stringify', () => {
    const parsed = parseJsonLossless('{"amount": 12345678901234567.891, "n": 1.5}');
    expect(toStorableJson(parsed)).toEqual({ amount: '12345678901234567.891', n: 1.5 });
    const when = new Date('2025-01-02T03:04:05.000Z');
    const value = { when, money: new Decimal('0.10'), big: 12345678901234567890n, nan: Number.NaN, inf: -Infinity, gone: undefined, fn: () => 1, sym: Symbol('s') };
    expect(toStorableJson(value)).toEqual({ when: '2025-01-02T03:04:05.000Z', money: '0.1', big: '12345678901234567890', nan: null, inf: null });
    // eslint-disable-next-line no-sparse-arrays
    expect(toStorableJson([undefined, () => 1, , 'a'])).toEqual([null, null, null, 'a']);
    expect(toStorableJson(Object.assign(Object.create({ inherited: 1 }) as object, { own: 2 }))).toEqual({ own: 2 });
    expect(toStorableJson(new String('s\u0000'))).toBe('s');
  });

  it('turns unrepresentable top-level values into null', () => {
    expect(toStorableJson(undefined)).toBeNull();
    expect(toStorableJson(() => 1)).toBeNull();
    expect(toStorableJson('\u0000')).toBe('');
    expect(toStorableJson(7)).toBe(7);
  });

  it('keeps "__proto__" as a plain key', () => {
    const out = toStorableJson(JSON.parse('{"__proto__": {"polluted": "y\\u0000"}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__']);
    expect(out.__proto__).toEqual({ polluted: 'y' });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copies a shared object twice but refuses a cycle', () => {
    const shared = { s: 'x' };
    expect(toStorableJson({ a: shared, b: [shared] })).toEqual({ a: { s: 'x' }, b: [{ s: 'x' }] });
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(() => toStorableJson(cyclic)).toThrow(/cycle/);
  });

  it('produces JSON text that round-trips to the same value', () => {
    const out = toStorableJson({ text: 'line\nbreak "quoted" \\ 😀 \u0000', nested: [[{}], []] });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });
});
