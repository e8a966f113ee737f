import { describe, expect, it } from 'vitest';
import { ancestorsOf, buildGraph, findCycles, topologicalOrder } from './graph';

function chain(n: number): { ids: string[]; edges: { id: string; source: string; target: string }[] } {
  const ids = Array.from({ length: n }, (_, i) => `n${i}`);
  const edges = ids.slice(1).map((id, i) => ({ id: `e${i}`, source: `n${i}`, target: id }));
  return { ids, edges };
}

describe('graph', () => {
  it('handles long chains without recursion limits', () => {
    const { ids, edges } = chain(20_000);
    const graph = buildGraph(ids, edges);
    expect(findCycles(ids, graph)).toEqual([]);
    expect(topologicalOrder(ids, graph)).toEqual(ids);
    expect(ancestorsOf(graph, 'n19999').size).toBe(19_999);
  });

  it('finds separate cycles and leaves their nodes and descendants out of the order', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const edges = [
      { id: '1', source: 'a', target: 'b' },
      { id: '2', source: 'b', target: 'a' },
      { id: '3', source: 'c', target: 'd' },
      { id: '4', source: 'd', target: 'e' },
      { id: '5', source: 'e', target: 'd' },
      { id: '6', source: 'e', target: 'f' },
    ];
    const graph = buildGraph(ids, edges);
    expect(findCycles(ids, graph)).toEqual([
      ['a', 'b'],
      ['d', 'e'],
    ]);
    expect(topologicalOrder(ids, graph)).toEqual(['c']);
  });
});
