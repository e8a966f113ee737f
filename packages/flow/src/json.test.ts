import { describe, expect, it } from 'vitest';
import { canonicalJson, jsonByteLength, toPlainJson, utf8Length } from './json';

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order and drops undefined', () => {
    const a = { b: 1, a: { d: [3, 1, { z: true, y: null }], c: 'x' }, u: undefined };
    const b = { a: { c: 'x', d: [3, 1, { y: null, z: true }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":"x","d":[3,1,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson([undefined, Number.NaN])).toBe('[null,null]');
  });

  it('treats __proto__ as an ordinary key', () => {
    const value: unknown = JSON.parse('{"__proto__": {"x": 1}, "a": 2}');
    expect(canonicalJson(value)).toBe('{"__proto__":{"x":1},"a":2}');
  });
});

describe('toPlainJson', () => {
  it('keeps a __proto__ key as data, not as a prototype', () => {
    const plain = toPlainJson(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('sizes', () => {
  it('counts UTF-8 bytes', () => {
    expect(utf8Length('abc')).toBe(3);
    expect(utf8Length('中文')).toBe(6);
    expect(utf8Length('😀')).toBe(4);
    const value = { a: ['中', 1, true, null], 'k"': 'x' };
    expect(jsonByteLength(value)).toBe(utf8Length(JSON.stringify(value)));
  });
});
