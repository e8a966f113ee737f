import { describe, expect, it } from 'vitest';
import { parseJsonText } from './json-text';

describe('parseJsonText', () => {
  it('parses JSON', () => {
    expect(parseJsonText('{"qty": 2}')).toEqual({ ok: true, value: { qty: 2 } });
  });
  it('names the line and column of the first error', () => {
    const result = parseJsonText('{\n  "qty": 2,\n  oops\n}');
    expect(result).toMatchObject({ ok: false, line: 3, column: 3 });
  });
  it('refuses empty text', () => {
    expect(parseJsonText('').ok).toBe(false);
  });
});
