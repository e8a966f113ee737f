import { describe, expect, it } from 'vitest';
import { buildMappingTree, buildNode, childReference, quoteName, sampleText, upstreamNodeIds, visibleRows, type MappingNode } from './mapping-tree';

describe('quoteName / childReference', () => {
  it('leaves plain identifiers alone and backtick-quotes the rest', () => {
    expect(quoteName('Number')).toBe('Number');
    expect(quoteName('_id2')).toBe('_id2');
    expect(quoteName('F Number')).toBe('`F Number`');
    expect(quoteName('2nd')).toBe('`2nd`');
    expect(quoteName('客户编码')).toBe('`客户编码`');
    expect(quoteName('a-b')).toBe('`a-b`');
    expect(quoteName('and')).toBe('`and`');
    expect(quoteName('')).toBe('``');
  });

  it('falls back to $lookup for a name holding a backtick', () => {
    expect(quoteName('a`b')).toBeNull();
    expect(childReference('event.data', 'a`b')).toBe('$lookup(event.data, "a`b")');
    expect(childReference('event.data', 'lines')).toBe('event.data.lines');
  });
});

describe('buildNode', () => {
  const schema = { type: 'object', properties: { id: { type: 'string' }, number: { type: 'string' }, lines: { type: 'array', items: { type: 'object', properties: { qty: { type: 'integer' } } } } } };

  it('builds from a schema alone, one item standing for an array', () => {
    const node = buildNode({ label: 'Save', reference: 'steps.saveOrder', schema, hasSample: false });
    expect(node.children.map((c) => [c.reference, c.type])).toEqual([
      ['steps.saveOrder.id', 'string'],
      ['steps.saveOrder.number', 'string'],
      ['steps.saveOrder.lines', 'array'],
    ]);
    expect(node.children[2]?.children[0]?.children[0]).toMatchObject({ reference: 'steps.saveOrder.lines[0].qty', type: 'integer', hasSample: false });
  });

  it('merges sample fields the schema does not list, with their values and types', () => {
    const node = buildNode({ label: 'event', reference: 'event', schema: { type: 'object', properties: { id: { type: 'string' } } }, hasSample: true, sample: { id: 'e1', data: { 'order no': 'SO-1', lines: [{ qty: 2 }, { qty: 3.5 }] } } });
    const data = node.children.find((c) => c.label === 'data');
    expect(data?.type).toBe('object');
    const orderNo = data?.children.find((c) => c.label === 'order no');
    expect(orderNo).toMatchObject({ reference: 'event.data.`order no`', type: 'string', hasSample: true, sample: 'SO-1' });
    const lines = data?.children.find((c) => c.label === 'lines');
    expect(lines?.children.map((c) => c.children[0]?.reference)).toEqual(['event.data.lines[0].qty', 'event.data.lines[1].qty']);
    expect(lines?.children[1]?.children[0]?.type).toBe('number');
  });

  it('picks the useful variant of a nullable union and keeps integer from the schema', () => {
    const node = buildNode({ label: 'x', reference: 'x', schema: { anyOf: [{ type: 'null' }, { type: 'object', properties: { n: { type: 'integer' } } }] }, hasSample: true, sample: { n: 3 } });
    expect(node.type).toBe('object');
    expect(node.children[0]?.type).toBe('integer');
  });

  it('cuts very wide objects and long arrays', () => {
    const wide = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`k${i}`, i]));
    expect(buildNode({ label: 'w', reference: 'w', hasSample: true, sample: wide })).toMatchObject({ truncated: 50 });
    const long = buildNode({ label: 'a', reference: 'a', hasSample: true, sample: Array.from({ length: 30 }, () => 1) });
    expect(long.children).toHaveLength(10);
    expect(long.truncated).toBe(20);
  });
});

describe('upstreamNodeIds', () => {
  it('returns every ancestor in document order, not siblings or descendants', () => {
    const edges = [{ source: 'a', target: 'b' }, { source: 'b', target: 'd' }, { source: 'c', target: 'd' }, { source: 'd', target: 'e' }, { source: 'a', target: 'x' }];
    expect(upstreamNodeIds({ nodeIds: ['a', 'b', 'c', 'd', 'e', 'x'], edges, nodeId: 'd' })).toEqual(['a', 'b', 'c']);
    expect(upstreamNodeIds({ nodeIds: ['a', 'b'], edges: [{ source: 'a', target: 'b' }, { source: 'b', target: 'a' }], nodeId: 'a' })).toEqual(['b']);
  });
});

describe('visibleRows', () => {
  const roots: MappingNode[] = buildMappingTree({
    event: { label: 'event', hasSample: true, sample: { id: 'e1', data: { customer: { code: 'C1' }, amount: 5 } } },
    steps: [{ nodeId: 'save', label: 'Save order', schema: { type: 'object', properties: { number: { type: 'string' } } }, hasSample: false }],
  });

  it('shows roots, and children of expanded nodes only', () => {
    expect(visibleRows(roots, { expanded: new Set(), query: '' }).map((r) => r.node.reference)).toEqual(['event', 'steps.save']);
    const rows = visibleRows(roots, { expanded: new Set(['event', 'event.data']), query: '' });
    expect(rows.map((r) => [r.node.reference, r.depth])).toContainEqual(['event.data.customer', 2]);
  });

  it('while searching, shows matches with the path to them', () => {
    const rows = visibleRows(roots, { expanded: new Set(), query: 'CODE' });
    expect(rows.map((r) => r.node.reference)).toEqual(['event', 'event.data', 'event.data.customer', 'event.data.customer.code']);
    expect(visibleRows(roots, { expanded: new Set(), query: 'number' }).map((r) => r.node.reference)).toEqual(['steps.save', 'steps.save.number']);
    expect(visibleRows(roots, { expanded: new Set(), query: 'nothing-like-this' })).toEqual([]);
  });
});

describe('sampleText', () => {
  it('summarises values briefly', () => {
    expect(sampleText('SO-1')).toBe('"SO-1"');
    expect(sampleText([1, 2])).toBe('[2]');
    expect(sampleText({ a: 1 })).toBe('{1}');
    expect(sampleText(null)).toBe('null');
    expect(sampleText('x'.repeat(100), 10)).toHaveLength(10);
  });
});
