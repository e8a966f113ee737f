import { describe, expect, it } from 'vitest';
import { clearExpressionCache, expressionCacheSize, parseExpression } from './parse';
import { hasNestedQuantifier } from './regex-safety';

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

  it('refuses regexes with nested repetition, accepts ordinary ones', () => {
    expect(parseExpression('$match(event.data.s, /(a+)+$/)')).toMatchObject({ ok: false, code: 'QIAO_UNSAFE_REGEX' });
    expect(parseExpression('$contains(event.data.s, /^SO-[0-9]+$/)')).toEqual({ ok: true });
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

describe('hasNestedQuantifier', () => {
  it.each([
    ['(a+)+', true],
    ['(a*)*b', true],
    ['(\\w+\\s?)+$', true],
    ['((ab)+c)*', true],
    ['(x+){2,}', true],
    ['^SO-[0-9]+$', false],
    ['(ab)+', false],
    ['(a+)?', false],
    ['[(a+)]+', false],
    ['\\(a+\\)+', false],
    ['(?:abc)*d+', false],
  ])('%s → %s', (pattern, unsafe) => {
    expect(hasNestedQuantifier(pattern)).toBe(unsafe);
  });
});
