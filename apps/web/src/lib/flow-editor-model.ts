/**
 * The model behind the canvas designer: the flow document as the editor holds it, pure edits on it
 * (add, connect, delete, paste with new ids), the undo/redo history of document snapshots, and the
 * short texts shown on node cards. No React, no I/O: everything here has unit tests.
 */
import type { JsonSchema } from './schema-form-model';
import type { EditorValueMap } from './value-map-model';

export interface Position {
  x: number;
  y: number;
}

export interface EditorNode {
  id: string;
  type: string;
  name?: string;
  connectionId?: string;
  parameters: Record<string, unknown>;
  retry?: Record<string, unknown>;
  timeoutMs?: number;
  position: Position;
}

export interface EditorEdge {
  id: string;
  source: string;
  target: string;
  condition?: string;
}

export interface EditorDocument {
  schemaVersion: number;
  name: string;
  description?: string;
  trigger: { eventType: string; filter?: string };
  nodes: EditorNode[];
  edges: EditorEdge[];
  valueMaps?: EditorValueMap[];
  metadata?: Record<string, unknown>;
}

export interface Expression {
  $expr: string;
}

export function isExpression(value: unknown): value is Expression {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && typeof (value as { $expr?: unknown }).$expr === 'string';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The draft as the editor holds it; missing parts get their empty value (the compiler judges the rest). */
export function toEditorDocument(draft: unknown, fallbackName: string): EditorDocument {
  const d = isRecord(draft) ? draft : {};
  const trigger = isRecord(d['trigger']) ? d['trigger'] : {};
  const nodes = Array.isArray(d['nodes']) ? d['nodes'] : [];
  const edges = Array.isArray(d['edges']) ? d['edges'] : [];
  const doc: EditorDocument = {
    ...d,
    schemaVersion: typeof d['schemaVersion'] === 'number' ? d['schemaVersion'] : 1,
    name: typeof d['name'] === 'string' ? d['name'] : fallbackName,
    trigger: { ...trigger, eventType: typeof trigger['eventType'] === 'string' ? trigger['eventType'] : '' },
    nodes: nodes.filter(isRecord).map((n, i) => ({
      ...n,
      id: typeof n['id'] === 'string' ? n['id'] : `node_${i + 1}`,
      type: typeof n['type'] === 'string' ? n['type'] : '',
      parameters: isRecord(n['parameters']) ? n['parameters'] : {},
      position: isRecord(n['position']) && typeof n['position']['x'] === 'number' && typeof n['position']['y'] === 'number' ? { x: n['position']['x'], y: n['position']['y'] } : { x: 0, y: i * 120 },
    })),
    edges: edges.filter(isRecord).flatMap((e) => (typeof e['id'] === 'string' && typeof e['source'] === 'string' && typeof e['target'] === 'string' ? [e as unknown as EditorEdge] : [])),
  };
  if (typeof trigger['filter'] === 'string') doc.trigger.filter = trigger['filter'];
  return doc;
}

const ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A node id for a new node of `type` not in `taken`: the action name, then `_2`, `_3`… */
export function newNodeId(type: string, taken: ReadonlySet<string>): string {
  const action = type.split('.').pop() ?? 'node';
  let base = action.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 56);
  if (!ID_PATTERN.test(base)) base = `node_${base}`.slice(0, 56);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

export function newEdgeId(source: string, target: string, taken: ReadonlySet<string>): string {
  const base = `${source}__${target}`.slice(0, 190);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** Starting parameters of a new node: the schema's defaults. */
export function defaultParameters(schema: JsonSchema | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) if (prop.default !== undefined) out[name] = prop.default;
  return out;
}

export function addNode(doc: EditorDocument, type: string, position: Position, parameters: Record<string, unknown>): { doc: EditorDocument; id: string } {
  const id = newNodeId(type, new Set(doc.nodes.map((n) => n.id)));
  return { id, doc: { ...doc, nodes: [...doc.nodes, { id, type, parameters, position: { x: Math.round(position.x), y: Math.round(position.y) } }] } };
}

/** A new edge, unless it would join a node to itself or repeat an existing one. */
export function connect(doc: EditorDocument, source: string, target: string): EditorDocument {
  if (source === target || doc.edges.some((e) => e.source === source && e.target === target)) return doc;
  const id = newEdgeId(source, target, new Set(doc.edges.map((e) => e.id)));
  return { ...doc, edges: [...doc.edges, { id, source, target }] };
}

/** Removes the nodes (with their edges) and the edges given. */
export function removeElements(doc: EditorDocument, nodeIds: readonly string[], edgeIds: readonly string[]): EditorDocument {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target)),
  };
}

export function updateNode(doc: EditorDocument, id: string, update: (node: EditorNode) => EditorNode): EditorDocument {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === id ? update(n) : n)) };
}

export function moveNodes(doc: EditorDocument, positions: ReadonlyMap<string, Position>): EditorDocument {
  if (positions.size === 0) return doc;
  return { ...doc, nodes: doc.nodes.map((n) => { const p = positions.get(n.id); return p ? { ...n, position: { x: Math.round(p.x), y: Math.round(p.y) } } : n; }) };
}

export interface Clip {
  nodes: EditorNode[];
  edges: EditorEdge[];
}

/** The selected nodes and the edges between them. */
export function copySelection(doc: EditorDocument, nodeIds: ReadonlySet<string>): Clip | null {
  const nodes = doc.nodes.filter((n) => nodeIds.has(n.id));
  if (nodes.length === 0) return null;
  return { nodes: structuredClone(nodes), edges: structuredClone(doc.edges.filter((e) => nodeIds.has(e.source) && nodeIds.has(e.target))) };
}

/** Pastes a clip with new ids, offset so the copies do not hide the originals. References inside expressions keep their old names. */
export function paste(doc: EditorDocument, clip: Clip, offset: Position = { x: 40, y: 40 }): { doc: EditorDocument; ids: string[] } {
  const taken = new Set(doc.nodes.map((n) => n.id));
  const rename = new Map<string, string>();
  const nodes = clip.nodes.map((n) => {
    const id = newNodeId(n.id.replace(/_\d+$/, ''), taken);
    taken.add(id);
    rename.set(n.id, id);
    return { ...structuredClone(n), id, position: { x: n.position.x + offset.x, y: n.position.y + offset.y } };
  });
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const edges = clip.edges.map((e) => {
    const source = rename.get(e.source) ?? e.source;
    const target = rename.get(e.target) ?? e.target;
    const id = newEdgeId(source, target, edgeIds);
    edgeIds.add(id);
    return { ...e, id, source, target };
  });
  return { doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] }, ids: nodes.map((n) => n.id) };
}

/** Undo/redo over whole-document snapshots. */
export interface History {
  past: EditorDocument[];
  present: EditorDocument;
  future: EditorDocument[];
}

export const HISTORY_LIMIT = 100;

export function createHistory(doc: EditorDocument): History {
  return { past: [], present: doc, future: [] };
}

/** A new present; the old one becomes undoable. */
export function commit(history: History, doc: EditorDocument): History {
  if (doc === history.present) return history;
  return { past: [...history.past, history.present].slice(-HISTORY_LIMIT), present: doc, future: [] };
}

/** A new present that does not make a history entry (a node moving under the pointer). */
export function replacePresent(history: History, doc: EditorDocument): History {
  return { ...history, present: doc };
}

/** Marks the present as a point to come back to (before a drag begins). */
export function checkpoint(history: History): History {
  return { past: [...history.past, history.present].slice(-HISTORY_LIMIT), present: history.present, future: [] };
}

export function undo(history: History): History {
  const previous = history.past.at(-1);
  if (!previous) return history;
  return { past: history.past.slice(0, -1), present: previous, future: [history.present, ...history.future] };
}

export function redo(history: History): History {
  const next = history.future[0];
  if (!next) return history;
  return { past: [...history.past, history.present], present: next, future: history.future.slice(1) };
}

function shortValue(value: unknown): string {
  if (isExpression(value)) return `ƒ ${value.$expr}`;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.length}]`;
  if (isRecord(value)) return '{…}';
  return '';
}

/** One line about a node's configuration: its set, non-default parameters in schema order, each shortened. */
export function summarize(parameters: Record<string, unknown>, schema: JsonSchema | undefined, max = 60): string {
  const order = Object.keys(schema?.properties ?? {});
  const keys = [...order.filter((k) => k in parameters), ...Object.keys(parameters).filter((k) => !order.includes(k))];
  const parts: string[] = [];
  for (const key of keys) {
    const value = parameters[key];
    if (value === undefined || value === '' || value === schema?.properties?.[key]?.default) continue;
    const text = shortValue(value);
    if (text) parts.push(`${key}: ${text.length > 24 ? `${text.slice(0, 23)}…` : text}`);
  }
  const line = parts.join(' · ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Auto-layout: each node on the row of its longest path from a start node (cycles are cut after as
 * many rounds as there are nodes), rows centred, in the order the document lists the nodes.
 */
export function autoLayout(doc: EditorDocument, spacing: Position = { x: 240, y: 140 }): EditorDocument {
  const layer = new Map(doc.nodes.map((n) => [n.id, 0]));
  for (let round = 0; round < doc.nodes.length; round++) {
    let changed = false;
    for (const e of doc.edges) {
      const from = layer.get(e.source);
      const to = layer.get(e.target);
      if (from === undefined || to === undefined || to > from) continue;
      layer.set(e.target, from + 1);
      changed = true;
    }
    if (!changed) break;
  }
  const rows = new Map<number, string[]>();
  for (const n of doc.nodes) {
    const row = layer.get(n.id) ?? 0;
    rows.set(row, [...(rows.get(row) ?? []), n.id]);
  }
  const positions = new Map<string, Position>();
  for (const [row, ids] of rows) ids.forEach((id, i) => positions.set(id, { x: (i - (ids.length - 1) / 2) * spacing.x, y: row * spacing.y }));
  return moveNodes(doc, positions);
}
