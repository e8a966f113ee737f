import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import { delayNode, docWith, errorsOf, expectBilingual, orderToInvoice, registry } from './compile.fixtures';
import { expr, flowDocumentSchema } from './document';
import { isExpressionError } from './errors';
import { evaluateExpression } from './expression/evaluate';
import { valueMapReferences } from './expression/value-map-references';
import { VALUE_MAP_LIMITS, valueMapTables, type ValueMap } from './value-maps';

const customers: ValueMap = { name: 'customers', entries: [{ key: 'C-001', value: 'CUST0001' }, { key: '1001', value: 'CUST1001' }] };
const tables = valueMapTables([customers]);

async function failure(source: string, event: unknown = {}): Promise<{ code: string; en: string; zh: string }> {
  try {
    await evaluateExpression(source, { event, valueMaps: tables });
  } catch (err) {
    if (!isExpressionError(err)) throw err;
    return { code: err.code, en: err.message.en, zh: err.message['zh-CN'] };
  }
  throw new Error('expected the expression to fail');
}

describe('value maps: schema', () => {
  const withMaps = (valueMaps: unknown) => flowDocumentSchema.safeParse({ ...docWith([delayNode('a')]), valueMaps });

  it('accepts maps and leaves documents without them valid', () => {
    expect(withMaps([customers]).success).toBe(true);
    expect(flowDocumentSchema.safeParse(docWith([delayNode('a')])).success).toBe(true);
  });

  it('refuses a key listed twice, pointing at the repeated row', () => {
    const result = withMaps([{ name: 'm', entries: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'a', value: '3' }] }]);
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['valueMaps', 0, 'entries', 2, 'key'] })]);
  });

  it('refuses two maps of the same name, a bad name, a reserved name and too many rows', () => {
    expect(withMaps([customers, { ...customers }]).error?.issues[0]?.path).toEqual(['valueMaps', 1, 'name']);
    expect(withMaps([{ name: 'has space', entries: [] }]).success).toBe(false);
    expect(withMaps([{ name: '__proto__', entries: [] }]).success).toBe(false);
    const many = Array.from({ length: VALUE_MAP_LIMITS.entriesPerMap + 1 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    expect(withMaps([{ name: 'big', entries: many }]).error?.issues[0]?.code).toBe('too_big');
  });

  it('reports schema problems in both languages through the compiler', () => {
    const doc = { ...docWith([delayNode('a')]), valueMaps: [{ name: 'm', entries: [{ key: 'x', value: '1' }, { key: 'x', value: '2' }] }] };
    const [error] = errorsOf(doc);
    expect(error).toMatchObject({ code: 'schema', path: ['valueMaps', 0, 'entries', 1, 'key'] });
    expect(error?.message.en).toContain('"x" appears more than once');
    if (error) expectBilingual(error);
  });
});

describe('value maps: $valueMap in expressions', () => {
  it('looks a key up, by its text for numbers', async () => {
    expect(await evaluateExpression(`$valueMap('customers', event.code)`, { event: { code: 'C-001' }, valueMaps: tables })).toBe('CUST0001');
    expect(await evaluateExpression(`$valueMap('customers', event.code)`, { event: { code: 1001 }, valueMaps: tables })).toBe('CUST1001');
  });

  it('maps every item of a list', async () => {
    const value = await evaluateExpression(`event.lines.$valueMap('customers', c)`, { event: { lines: [{ c: 'C-001' }, { c: '1001' }] }, valueMaps: tables });
    expect(value).toEqual(['CUST0001', 'CUST1001']);
  });

  it('gives nothing for a key that selects nothing', async () => {
    expect(await evaluateExpression(`$valueMap('customers', event.missing)`, { event: {}, valueMaps: tables })).toBeUndefined();
  });

  it('fails on a key with no row, naming the map and the key, unless a default is given', async () => {
    const missing = await failure(`$valueMap('customers', 'C-999')`);
    expect(missing.code).toBe('expression_error');
    expect(missing.en).toContain('customers has no entry for the key "C-999"');
    expect(missing.zh).toContain('值映射表 customers 中没有键 "C-999"');
    expect(await evaluateExpression(`$valueMap('customers', 'C-999', 'UNKNOWN')`, { event: {}, valueMaps: tables })).toBe('UNKNOWN');
    expect(await evaluateExpression(`$valueMap('customers', 'C-999', null)`, { event: {}, valueMaps: tables })).toBeNull();
  });

  it('fails on an unknown map, a non-string name and an object key', async () => {
    expect((await failure(`$valueMap('suppliers', 'x')`)).en).toContain('no value map named "suppliers"');
    expect((await failure(`$valueMap(1, 'x')`)).en).toContain('first argument must be the name');
    expect((await failure(`$valueMap('customers', {"a": 1})`)).en).toContain('key must be a string, number or boolean');
  });

  it('never finds inherited members, even for keys named like them', async () => {
    expect((await failure(`$valueMap('customers', 'constructor')`)).en).toContain('no entry for the key "constructor"');
    expect((await failure(`$valueMap('toString', 'x')`)).en).toContain('no value map named');
  });

  it('is not readable as data: the maps are not part of the input document', async () => {
    expect(await evaluateExpression('valueMaps', { event: {}, valueMaps: tables })).toBeUndefined();
  });
});

describe('value maps: compiler', () => {
  it('finds literal map names with their positions', () => {
    expect(valueMapReferences(`$valueMap('a', x) & $valueMap("b", y) & $valueMap($name, z)`)).toEqual([
      { name: 'a', position: expect.any(Number) as number },
      { name: 'b', position: expect.any(Number) as number },
    ]);
    expect(valueMapReferences('$valueMap(')).toEqual([]);
  });

  it('reports a reference to an unknown map on the node and field', () => {
    const doc = orderToInvoice();
    const save = doc.nodes[0];
    if (!save) throw new Error('fixture');
    (save.parameters['model'] as Record<string, unknown>)['FCustId'] = expr(`$valueMap('customer', event.data.customer.code)`);
    doc.valueMaps = [customers];
    const errors = errorsOf(doc);
    expect(errors).toEqual([expect.objectContaining({ code: 'unknown_value_map', nodeId: 'saveOrder', path: ['parameters', 'model', 'FCustId'] })]);
    expect(errors[0]?.message.en).toBe('The expression in parameter model.FCustId of node saveOrder uses the value map customer, but the flow has no value map of that name');
    if (errors[0]) expectBilingual(errors[0]);
  });

  it('reports unknown maps in edge conditions and the trigger filter too', () => {
    const doc = { ...docWith([delayNode('a'), delayNode('b')], [{ id: 'e', source: 'a', target: 'b', condition: `$valueMap('m', 'x') = 'y'` }]), trigger: { eventType: 't', filter: `$valueMap('f', 'x') = 'y'` } };
    const errors = errorsOf(doc);
    expect(errors.map((e) => [e.code, e.edgeId, e.path])).toEqual([
      ['unknown_value_map', 'e', ['condition']],
      ['unknown_value_map', undefined, ['trigger', 'filter']],
    ]);
  });

  it('carries the maps in the plan, and leaves plans of flows without maps unchanged', () => {
    const doc = orderToInvoice();
    const save = doc.nodes[0];
    if (!save) throw new Error('fixture');
    (save.parameters['model'] as Record<string, unknown>)['FCustId'] = expr(`$valueMap('customers', event.data.customer.code)`);
    const result = compile({ ...doc, valueMaps: [customers] }, registry);
    expect(result.ok && result.plan.valueMaps).toEqual({ customers: { 'C-001': 'CUST0001', '1001': 'CUST1001' } });
    const plain = compile(orderToInvoice(), registry);
    expect(plain.ok && 'valueMaps' in plain.plan).toBe(false);
  });
});
