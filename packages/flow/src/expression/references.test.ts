import { describe, expect, it } from 'vitest';
import { expressionReferences } from './references';

describe('expressionReferences', () => {
  it.each([
    ['steps.saveOrder.number', ['saveOrder'], false],
    ['$steps.saveOrder.number', ['saveOrder'], false],
    ['$$.steps.saveOrder', ['saveOrder'], false],
    ['$.steps.saveOrder', ['saveOrder'], false],
    ['event.data.orderNo', [], true],
    ['$event.data.orderNo', [], true],
    ['"AR_" & steps.b.number & steps.a.id & steps.b.id', ['a', 'b'], false],
    ['$string(steps.a) & $lowercase($steps.c.name)', ['a', 'c'], false],
    ['($n := steps.a.total; $n > 10 ? steps.b.x : event.data.y)', ['a', 'b'], true],
    ['$map(event.data.lines, function($l){ $l.qty * steps.price.value })', ['price'], true],
    ['event.data ~> $merge(steps.extra)', ['extra'], true],
  ])('%s', (source, steps, usesEvent) => {
    expect(expressionReferences(source)).toMatchObject({ steps, usesEvent });
  });

  it('does not count names that belong to the current item', () => {
    // Inside a filter or a later path step, `steps` is a field of each line, not the context.
    const refs = expressionReferences('event.data.lines[qty > steps.min].{ "sku": sku, "order": steps.order, "n": $steps.real.number }');
    expect(refs).toEqual({ steps: ['real'], usesEvent: true, dynamicSteps: false });
    expect(expressionReferences('event.data.steps.saveOrder').steps).toEqual([]);
    expect(expressionReferences('event.data.lines^(steps.rank)').steps).toEqual([]);
    expect(expressionReferences('event.data.lines{ sku: steps.q }').steps).toEqual([]);
  });

  it('notices reads of steps that cannot be checked by name', () => {
    expect(expressionReferences('$lookup($steps, event.data.which)')).toMatchObject({ steps: [], dynamicSteps: true });
    expect(expressionReferences('steps.*.number')).toMatchObject({ dynamicSteps: true });
    expect(expressionReferences('$keys(steps)')).toMatchObject({ dynamicSteps: true });
    expect(expressionReferences('$string($$)')).toMatchObject({ dynamicSteps: true, usesEvent: true });
    expect(expressionReferences('steps.a.b')).toMatchObject({ dynamicSteps: false });
  });

  it('returns no references for an expression that does not parse', () => {
    expect(expressionReferences('steps.a.(')).toEqual({ steps: [], usesEvent: false, dynamicSteps: false });
  });
});
