import { describe, expect, it } from 'vitest';
import { parseJsonLossless } from './json';

describe('parseJsonLossless', () => {
  it('matches JSON.parse when no number needs more than a double', () => {
    const text = '{"a":[1,2.5,-0.001,1e3,true,null,"x\\"y\\u4e2d"],"b":{"c":113.13}}';
    expect(parseJsonLossless(text)).toEqual(JSON.parse(text));
  });

  it('keeps numbers a double would round as exact decimal strings, and the rest as numbers', () => {
    const value = parseJsonLossless('{"amount":12345678901234567.89,"rate":0.1234567890123456789,"qty":10,"id":"1234567890123456789","ok":1234567890.12345}');
    expect(value).toEqual({ amount: '12345678901234567.89', rate: '0.1234567890123456789', qty: 10, id: '1234567890123456789', ok: 1234567890.12345 });
  });

  it('keeps exact values that merely look long as numbers', () => {
    expect(parseJsonLossless('[0.50000000000000000, 1000000000000000000000]')).toEqual([0.5, 1e21]);
  });

  it('handles escapes and a __proto__ key like JSON.parse', () => {
    const value = parseJsonLossless('{"__proto__":{"x":1},"s":"a\\\\\\"b","n":12345678901234567890}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 's', 'n']);
    expect(value.s).toBe('a\\"b');
    expect(value.n).toBe('12345678901234567890');
  });

  it('rejects malformed JSON', () => {
    expect(() => parseJsonLossless('{"a":12345678901234567890,}')).toThrow(SyntaxError);
    expect(() => parseJsonLossless('[12345678901234567890] x')).toThrow(SyntaxError);
    expect(() => parseJsonLossless('{"a":"12345678901234567890')).toThrow(SyntaxError);
  });
});
