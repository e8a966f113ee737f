import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffFlows, diffValues, jsonEqual, lineDiff, stableJson } from './flow-diff';

const node = (id: string, extra: Record<string, unknown> = {}) => ({ id, type: 'http.request', name: id.toUpperCase(), position: { x: 0, y: 0 }, parameters: { method: 'POST', url: `/${id}` }, ...extra });
const base = {
  schemaVersion: 1, name: 'Orders', trigger: { eventType: 'order.created' },
  nodes: [node('a'), node('b')],
  edges: [{ id: 'e1', source: 'a', target: 'b' }],
};

describe('diffValues', () => {
  it('lists leaf changes with readable paths', () => {
    expect(diffValues({ a: 1, b: { c: [1, 2] }, 'x-y': true }, { a: 2, b: { c: [1] }, d: null, 'x-y': true })).toEqual([
      { path: 'a', kind: 'changed', before: 1, after: 2 },
      { path: 'b.c[1]', kind: 'removed', before: 2 },
      { path: 'd', kind: 'added', after: null },
    ]);
    expect(diffValues({ 'odd key': 1 }, { 'odd key': 2 })[0]?.path).toBe('"odd key"');
    expect(diffValues({ p: { 'a b': 1 } }, { p: { 'a b': 2 } })[0]?.path).toBe('p["a b"]');
  });

  it('ignores key order and reports a change of shape once', () => {
    expect(diffValues({ a: 1, b: 2 }, { b: 2, a: 1 })).toEqual([]);
    expect(diffValues({ a: { x: 1 } }, { a: 'text' })).toEqual([{ path: 'a', kind: 'changed', before: { x: 1 }, after: 'text' }]);
    expect(jsonEqual([1, { a: 1 }], [1, { a: 1 }])).toBe(true);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });
});

describe('diffFlows', () => {
  it('says two equal documents are identical', () => {
    expect(diffFlows(base, structuredClone(base))).toEqual({ flow: [], nodes: [], edges: [], identical: true });
  });

  it('reports added, removed and changed nodes and edges, and the flow fields', () => {
    const after = {
      ...base, name: 'Orders v2', trigger: { eventType: 'order.created', filter: 'event.data.amount > 0' },
      nodes: [node('a', { parameters: { method: 'PUT', url: '/a', body: { $expr: 'event.data' } } }), node('c')],
      edges: [{ id: 'e2', source: 'a', target: 'c', condition: 'true' }],
    };
    const diff = diffFlows(base, after);
    expect(diff.identical).toBe(false);
    expect(diff.flow).toEqual([
      { path: 'name', kind: 'changed', before: 'Orders', after: 'Orders v2' },
      { path: 'trigger.filter', kind: 'added', after: 'event.data.amount > 0' },
    ]);
    expect(diff.nodes).toEqual([
      { id: 'a', label: 'A', kind: 'changed', moved: false, changes: [
        { path: 'parameters.body', kind: 'added', after: { $expr: 'event.data' } },
        { path: 'parameters.method', kind: 'changed', before: 'POST', after: 'PUT' },
      ] },
      { id: 'b', label: 'B', kind: 'removed', changes: [], moved: false },
      { id: 'c', label: 'C', kind: 'added', changes: [], moved: false },
    ]);
    // Edges are labelled by the names of their ends, even for a node that was removed.
    expect(diff.edges).toEqual([
      { id: 'e1', label: 'A → B', kind: 'removed', changes: [], moved: false },
      { id: 'e2', label: 'A → C', kind: 'added', changes: [], moved: false },
    ]);
  });

  it('keeps a move on the canvas apart from real changes', () => {
    const moved = { ...base, nodes: [node('a', { position: { x: 40, y: 0 } }), node('b')] };
    const diff = diffFlows(base, moved);
    expect(diff.nodes).toEqual([{ id: 'a', label: 'A', kind: 'changed', changes: [], moved: true }]);
    expect(diff.identical).toBe(false);
  });

  it('copes with documents that are not flows', () => {
    expect(diffFlows(null, base).nodes.map((n) => n.kind)).toEqual(['added', 'added']);
    expect(diffFlows({ nodes: 'x' }, { nodes: [{ noId: true }] }).nodes).toEqual([]);
  });
});

describe('lineDiff', () => {
  it('finds the lines added and removed', () => {
    expect(lineDiff(['a', 'b', 'c', 'd'], ['a', 'x', 'c', 'd', 'e'])).toEqual([
      { kind: 'same', text: 'a' },
      { kind: 'removed', text: 'b' },
      { kind: 'added', text: 'x' },
      { kind: 'same', text: 'c' },
      { kind: 'same', text: 'd' },
      { kind: 'added', text: 'e' },
    ]);
    expect(lineDiff([], ['a'])).toEqual([{ kind: 'added', text: 'a' }]);
    expect(lineDiff(['a'], [])).toEqual([{ kind: 'removed', text: 'a' }]);
  });

  const lines = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 12 });

  /** Length of the longest common subsequence, by dynamic programming. */
  function lcs(a: string[], b: string[]): number {
    const row = new Array<number>(b.length + 1).fill(0);
    for (const x of a) {
      let prev = 0;
      for (let j = 1; j <= b.length; j++) {
        const keep = row[j] ?? 0;
        row[j] = x === b[j - 1] ? prev + 1 : Math.max(row[j] ?? 0, row[j - 1] ?? 0);
        prev = keep;
      }
    }
    return row[b.length] ?? 0;
  }

  it('rebuilds both sides and keeps as many lines as possible', () => {
    fc.assert(
      fc.property(lines, lines, (a, b) => {
        const diff = lineDiff(a, b);
        expect(diff.filter((l) => l.kind !== 'added').map((l) => l.text)).toEqual(a);
        expect(diff.filter((l) => l.kind !== 'removed').map((l) => l.text)).toEqual(b);
        expect(diff.filter((l) => l.kind === 'same')).toHaveLength(lcs(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it('lines up documents whatever their key order', () => {
    expect(stableJson({ b: 1, a: { d: 1, c: 2 } })).toBe(stableJson({ a: { c: 2, d: 1 }, b: 1 }));
  });
});
