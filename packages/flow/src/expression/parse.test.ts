import { describe, expect, it } from 'vitest';
import { clearExpressionCache, expressionCacheSize, parseExpression } from './parse';

describe('parseExpression', () => {
  it('accepts JSONata', () => {
    expect(parseExpression('event.data.lines[qty > 1].sku')).toEqual({ ok: true });
    expect(parseExpression('$sum(event.data.lines.(qty * price))')).toEqual({ ok: true });
  });

  it('reports the parser message and position', () => {
    expect(parseExpression('event.data.(')).toEqual({ ok: false, code: 'S0203', position: 12, message: 'Expected ")" before end of expression' });
    expect(parseExpression('')).toMatchObject({ ok: false, code: 'S0207' });
    expect(parseExpression('"unterminated')).toMatchObject({ ok: false, code: 'S0101' });
  });

  it('refuses $eval, even when only referenced', () => {
    expect(parseExpression('$eval("1 + 1")')).toMatchObject({ ok: false, code: 'QIAO_EVAL' });
    expect(parseExpression('($e := $eval; $e("1"))')).toMatchObject({ ok: false, code: 'QIAO_EVAL' });
  });

  it('refuses regexes RE2 cannot run, with what is missing; accepts the rest, nested repetition included', () => {
    expect(parseExpression('$match(event.data.s, /(a)\\1/)')).toMatchObject({ ok: false, code: 'QIAO_UNSUPPORTED_REGEX', position: 28 });
    expect(parseExpression('$match(event.data.s, /(?<n>a)\\k<n>/)')).toMatchObject({ ok: false, message: expect.stringContaining('Backreferences') });
    expect(parseExpression('$match(event.data.s, /a(?!b)/)')).toMatchObject({ ok: false, message: expect.stringContaining('Lookahead') });
    expect(parseExpression('$match(event.data.s, /(?<=a)b/)')).toMatchObject({ ok: false, message: expect.stringContaining('Lookbehind') });
    expect(parseExpression('$match(event.data.s, /a{1001}/)')).toMatchObject({ ok: false, message: expect.stringContaining('may not exceed 1000') });
    expect(parseExpression('$match(event.data.s, /(a{100}){100}/)')).toMatchObject({ ok: false, message: expect.stringContaining('may not exceed 1000') });
    expect(parseExpression('$match(event.data.s, /[\\1]/)')).toMatchObject({ ok: false, message: expect.stringContaining('not supported by Qiao\'s regex engine (RE2): invalid escape') });
    // A regex anywhere counts, not only as a direct argument.
    expect(parseExpression('($r := /(?=a)/; $contains(event.data.s, $r))')).toMatchObject({ ok: false, code: 'QIAO_UNSUPPORTED_REGEX' });
    expect(parseExpression('$contains(event.data.s, /^SO-[0-9]+$/)')).toEqual({ ok: true });
    expect(parseExpression('$match(event.data.s, /(a+)+$/)')).toEqual({ ok: true });
    // Without named groups JavaScript reads \k<b> as the text k<b>, not a backreference.
    expect(parseExpression('$match(event.data.s, /a\\k<b>/)')).toEqual({ ok: true });
  });

  it('caches parsed expressions with a bound', () => {
    clearExpressionCache();
    for (let i = 0; i < 10; i++) parseExpression('event.data.orderNo');
    expect(expressionCacheSize()).toBe(1);
    for (let i = 0; i < 2100; i++) parseExpression(`event.data.f${i}`);
    expect(expressionCacheSize()).toBe(2000);
    clearExpressionCache();
  });
});
