/**
 * What changed between two flow documents (e.g. two published versions): nodes and edges matched
 * by id and reported as added, removed or changed with the paths of their changed values, plus the
 * flow's own fields (name, trigger, metadata); and a line diff of the pretty-printed JSON for the raw
 * view. Pure, no React.
 */

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One value that differs; `path` is relative to its node, edge or the flow ("parameters.body.$expr", "nodes[0]"). */
export interface ValueChange {
  path: string;
  kind: ChangeKind;
  before?: unknown;
  after?: unknown;
}

export interface ElementDiff {
  id: string;
  /** A node's name (or type), an edge's "source → target". */
  label: string;
  kind: ChangeKind;
  /** For changed elements: what changed. Moves on the canvas are only in `moved`. */
  changes: ValueChange[];
  /** Only the canvas position changed (or changed too). */
  moved: boolean;
}

export interface FlowDiff {
  flow: ValueChange[];
  nodes: ElementDiff[];
  edges: ElementDiff[];
  /** Nothing differs at all, layout included. */
  identical: boolean;
}

type Json = unknown;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (base === '') return safe;
  return /^[A-Za-z_$]/.test(safe) ? `${base}.${safe}` : `${base}[${safe}]`;
}

/** Deep equality of JSON values; object key order does not matter. */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!jsonEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

/**
 * The leaf-level differences between two JSON values. Objects are compared key by key; arrays
 * index by index (a value swapped for one of another shape is one `changed`).
 */
export function diffValues(before: Json, after: Json, path = ''): ValueChange[] {
  if (jsonEqual(before, after)) return [];
  if (before === undefined) return [{ path, kind: 'added', after }];
  if (after === undefined) return [{ path, kind: 'removed', before }];
  if (isRecord(before) && isRecord(after)) {
    const out: ValueChange[] = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) out.push(...diffValues(before[key], after[key], joinPath(path, key)));
    return out;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: ValueChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...diffValues(before[i], after[i], joinPath(path, i)));
    return out;
  }
  return [{ path, kind: 'changed', before, after }];
}

function byId(list: unknown): Map<string, Record<string, unknown>> {
  const map = new Map<string, Record<string, unknown>>();
  if (!Array.isArray(list)) return map;
  for (const item of list) if (isRecord(item) && typeof item['id'] === 'string') map.set(item['id'], item);
  return map;
}

function nodeLabel(node: Record<string, unknown>, id: string): string {
  return typeof node['name'] === 'string' && node['name'] !== '' ? node['name'] : typeof node['type'] === 'string' ? `${id} (${node['type']})` : id;
}

function edgeLabel(edge: Record<string, unknown>, names: (id: string) => string): string {
  return `${names(String(edge['source']))} → ${names(String(edge['target']))}`;
}

function diffElements(before: Map<string, Record<string, unknown>>, after: Map<string, Record<string, unknown>>, label: (el: Record<string, unknown>, id: string) => string): ElementDiff[] {
  const out: ElementDiff[] = [];
  for (const [id, old] of before) {
    const now = after.get(id);
    if (!now) {
      out.push({ id, label: label(old, id), kind: 'removed', changes: [], moved: false });
      continue;
    }
    const { position: p0, ...rest0 } = old;
    const { position: p1, ...rest1 } = now;
    const changes = diffValues(rest0, rest1);
    const moved = !jsonEqual(p0, p1);
    if (changes.length > 0 || moved) out.push({ id, label: label(now, id), kind: 'changed', changes, moved });
  }
  for (const [id, now] of after) if (!before.has(id)) out.push({ id, label: label(now, id), kind: 'added', changes: [], moved: false });
  return out;
}

/** The structured difference from document `before` to document `after`. */
export function diffFlows(before: unknown, after: unknown): FlowDiff {
  const a = isRecord(before) ? before : {};
  const b = isRecord(after) ? after : {};
  const { nodes: nodesA, edges: edgesA, ...flowA } = a;
  const { nodes: nodesB, edges: edgesB, ...flowB } = b;
  const beforeNodes = byId(nodesA);
  const afterNodes = byId(nodesB);
  const name = (id: string) => {
    const node = afterNodes.get(id) ?? beforeNodes.get(id);
    return node ? nodeLabel(node, id) : id;
  };
  const nodes = diffElements(beforeNodes, afterNodes, nodeLabel);
  const edges = diffElements(byId(edgesA), byId(edgesB), (edge) => edgeLabel(edge, name));
  const flow = diffValues(flowA, flowB);
  return { flow, nodes, edges, identical: flow.length === 0 && nodes.length === 0 && edges.length === 0 };
}

export interface DiffLine {
  kind: 'same' | 'added' | 'removed';
  text: string;
}

/** Beyond this many differing lines the raw view shows the two texts as one removal and one addition. */
const MAX_EDIT_DISTANCE = 4000;

/** A shortest line diff (Myers' O(ND) algorithm) after trimming the common head and tail. */
export function lineDiff(before: readonly string[], after: readonly string[]): DiffLine[] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let endA = before.length;
  let endB = after.length;
  while (endA > start && endB > start && before[endA - 1] === after[endB - 1]) {
    endA--;
    endB--;
  }
  const same = (text: string): DiffLine => ({ kind: 'same', text });
  const middle = shortestEdit(before.slice(start, endA), after.slice(start, endB));
  return [...before.slice(0, start).map(same), ...middle, ...before.slice(endA).map(same)];
}

function shortestEdit(a: readonly string[], b: readonly string[]): DiffLine[] {
  const removed = (text: string): DiffLine => ({ kind: 'removed', text });
  const added = (text: string): DiffLine => ({ kind: 'added', text });
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map(added);
  if (m === 0) return a.map(removed);
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  // v[offset + k]: the furthest x reached on diagonal k; trace[d] keeps v's window [-d-1, d+1] before step d.
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  const at = (window: Int32Array, d: number, k: number) => window[k + d + 1] ?? 0;
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack({ a, b, trace, at });
    }
  }
  return [...a.map(removed), ...b.map(added)];
}

function backtrack(args: { a: readonly string[]; b: readonly string[]; trace: Int32Array[]; at: (w: Int32Array, d: number, k: number) => number }): DiffLine[] {
  const { a, b, trace, at } = args;
  const out: DiffLine[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const window = trace[d] ?? new Int32Array(0);
    const k = x - y;
    const down = k === -d || (k !== d && at(window, d, k - 1) < at(window, d, k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(window, d, prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ kind: 'same', text: a[x - 1] ?? '' });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) out.push({ kind: 'added', text: b[y - 1] ?? '' });
      else out.push({ kind: 'removed', text: a[x - 1] ?? '' });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

/** Pretty JSON with object keys sorted, so two documents line up whatever order their keys were written in. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (isRecord(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort(v[k])]));
    return v;
  };
  return JSON.stringify(sort(value), null, 2) ?? 'null';
}
