/** Graph facts the compiler needs, over node ids in document order and edges between existing nodes. */

export interface GraphEdge {
  id: string;
  source: string;
  target: string;
}

export interface Graph {
  incoming: Map<string, string[]>;
  outgoing: Map<string, string[]>;
  /** Predecessor node ids per node (one entry per edge). */
  parents: Map<string, string[]>;
  children: Map<string, string[]>;
}

export function buildGraph(nodeIds: readonly string[], edges: readonly GraphEdge[]): Graph {
  const graph: Graph = { incoming: new Map(), outgoing: new Map(), parents: new Map(), children: new Map() };
  for (const id of nodeIds) {
    graph.incoming.set(id, []);
    graph.outgoing.set(id, []);
    graph.parents.set(id, []);
    graph.children.set(id, []);
  }
  for (const e of edges) {
    graph.outgoing.get(e.source)?.push(e.id);
    graph.incoming.get(e.target)?.push(e.id);
    graph.children.get(e.source)?.push(e.target);
    graph.parents.get(e.target)?.push(e.source);
  }
  return graph;
}

/** Every node reachable backwards from `id` (its ancestors), excluding `id` unless on a cycle. */
export function ancestorsOf(graph: Graph, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.parents.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop();
    if (next === undefined || seen.has(next)) continue;
    seen.add(next);
    for (const p of graph.parents.get(next) ?? []) stack.push(p);
  }
  return seen;
}

/**
 * Strongly connected components with more than one node (Tarjan, iterative so a long chain
 * cannot overflow the stack). Self-loops are reported by the caller from the edges.
 */
export function findCycles(nodeIds: readonly string[], graph: Graph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of nodeIds) {
    if (index.has(root)) continue;
    const work: { id: string; child: number }[] = [{ id: root, child: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (!frame) break;
      const kids = graph.children.get(frame.id) ?? [];
      const kid = kids[frame.child++];
      if (kid !== undefined) {
        if (!index.has(kid)) {
          index.set(kid, counter);
          low.set(kid, counter++);
          stack.push(kid);
          onStack.add(kid);
          work.push({ id: kid, child: 0 });
        } else if (onStack.has(kid)) {
          low.set(frame.id, Math.min(low.get(frame.id) ?? 0, index.get(kid) ?? 0));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) ?? 0, low.get(frame.id) ?? 0));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string | undefined;
        do {
          member = stack.pop();
          if (member === undefined) break;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        if (component.length > 1) components.push(component);
      }
    }
  }
  const order = new Map(nodeIds.map((id, i) => [id, i]));
  const byDocument = (a: string, b: string): number => (order.get(a) ?? 0) - (order.get(b) ?? 0);
  return components.map((c) => c.sort(byDocument)).sort((a, b) => byDocument(a[0] ?? '', b[0] ?? ''));
}

/** The shortest cycle through `start` staying inside `members`, as node ids from `start`. */
export function shortestCycle(graph: Graph, o: { start: string; members: ReadonlySet<string> }): string[] {
  const previous = new Map<string, string>();
  const queue = [o.start];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head];
    if (current === undefined) break;
    for (const kid of graph.children.get(current) ?? []) {
      if (!o.members.has(kid)) continue;
      if (kid === o.start) {
        const path = [current];
        let back = previous.get(current);
        while (back !== undefined) {
          path.push(back);
          back = previous.get(back);
        }
        return path.reverse();
      }
      if (kid !== o.start && !previous.has(kid)) {
        previous.set(kid, current);
        queue.push(kid);
      }
    }
  }
  return [o.start];
}

/**
 * Kahn's algorithm, always taking the ready node that comes first in the document, so the order
 * is stable as the user edits. Nodes on or after a cycle are left out.
 */
export function topologicalOrder(nodeIds: readonly string[], graph: Graph): string[] {
  const position = new Map(nodeIds.map((id, i) => [id, i]));
  const remaining = new Map(nodeIds.map((id) => [id, (graph.parents.get(id) ?? []).length]));
  const ready = nodeIds.filter((id) => remaining.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    let best = 0;
    for (let i = 1; i < ready.length; i++) {
      if ((position.get(ready[i] ?? '') ?? 0) < (position.get(ready[best] ?? '') ?? 0)) best = i;
    }
    const [next] = ready.splice(best, 1);
    if (next === undefined) break;
    order.push(next);
    for (const kid of graph.children.get(next) ?? []) {
      const left = (remaining.get(kid) ?? 0) - 1;
      remaining.set(kid, left);
      if (left === 0) ready.push(kid);
    }
  }
  return order;
}
