import { describe, expect, it } from 'vitest';
import { expr } from './document';
import { ExpressionError } from './errors';
import { collectExpressions, replaceExpressions, resolveParameters } from './parameters';

const context = {
  event: { data: { orderNo: 'SO-1', lines: [{ sku: 'M-1', qty: 2 }], note: null } },
  steps: { saveOrder: { number: 'XSDD-1' } },
};

describe('resolveParameters', () => {
  it('keeps literals intact and evaluates expressions at any depth', async () => {
    const parameters = {
      formId: 'SAL_SaleOrder',
      count: 3,
      ratio: 0.5,
      flag: false,
      nothing: null,
      template: '{{event.data.orderNo}}', // a string that merely looks like a template stays a string
      lookalike: { $expr: 'event.data.orderNo', extra: true }, // not the exact shape: a literal
      notString: { $expr: 42 },
      model: {
        FBillNo: expr('event.data.orderNo'),
        // `lines[]` keeps an array even for a single line; `lines.{...}` would give one object.
        FEntity: expr('event.data.lines[].{ "FMaterialId": sku, "FQty": qty }'),
        single: expr('event.data.lines.{ "FMaterialId": sku }'),
        nested: [1, 'two', expr('steps.saveOrder.number'), [expr('$steps.saveOrder.number & "-A"')]],
      },
    };
    const before = JSON.parse(JSON.stringify(parameters)) as unknown;
    const resolved = await resolveParameters(parameters, context);
    expect(resolved).toEqual({
      formId: 'SAL_SaleOrder',
      count: 3,
      ratio: 0.5,
      flag: false,
      nothing: null,
      template: '{{event.data.orderNo}}',
      lookalike: { $expr: 'event.data.orderNo', extra: true },
      notString: { $expr: 42 },
      model: {
        FBillNo: 'SO-1',
        FEntity: [{ FMaterialId: 'M-1', FQty: 2 }],
        single: { FMaterialId: 'M-1' },
        nested: [1, 'two', 'XSDD-1', ['XSDD-1-A']],
      },
    });
    expect(parameters).toEqual(before); // the input is not modified
  });

  it('omits object keys that select nothing and keeps array positions with null', async () => {
    const resolved = await resolveParameters({ a: expr('event.data.missing'), b: [expr('event.data.missing'), 1], c: expr('event.data.note') }, context);
    expect(resolved).toEqual({ b: [null, 1], c: null });
  });

  it('reports which parameter failed', async () => {
    let caught: unknown;
    try {
      await resolveParameters({ model: { lines: [expr('$number("x")')] } }, context);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    expect(caught).toMatchObject({ code: 'expression_error', path: ['parameters', 'model', 'lines', 0], expression: '$number("x")' });
  });
});

describe('collectExpressions / replaceExpressions', () => {
  it('finds every expression with its path and replaces them', () => {
    const parameters = { a: expr('1'), b: [{ c: expr('2') }, 'lit'], d: { $expr: 'x', e: 1 } };
    expect(collectExpressions(parameters, ['parameters'])).toEqual([
      { path: ['parameters', 'a'], source: '1' },
      { path: ['parameters', 'b', 0, 'c'], source: '2' },
    ]);
    expect(replaceExpressions(parameters, null)).toEqual({ a: null, b: [{ c: null }, 'lit'], d: { $expr: 'x', e: 1 } });
  });
});
