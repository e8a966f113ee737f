/**
 * The field-mapping tree: what an expression of a node can read (`event` and the outputs of the
 * nodes upstream of it), built from JSON Schemas and from sample data, and the JSONata reference
 * of each field. No React, no I/O.
 */

/** The subset of JSON Schema (as zod's toJSONSchema writes it) the tree reads. */
export interface OutputSchema {
  type?: string | string[];
  properties?: Record<string, OutputSchema>;
  items?: OutputSchema | OutputSchema[];
  prefixItems?: OutputSchema[];
  anyOf?: OutputSchema[];
  oneOf?: OutputSchema[];
  additionalProperties?: OutputSchema | boolean;
  description?: string;
  enum?: unknown[];
  const?: unknown;
}

export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null' | 'any';

export interface MappingNode {
  /** The JSONata reference; unique in a tree, so also the node's key. */
  reference: string;
  label: string;
  type: FieldType;
  /** Whether a sample value is known (it may itself be null). */
  hasSample: boolean;
  sample?: unknown;
  description?: string;
  children: MappingNode[];
  /** Object keys or array items left out to keep the tree small. */
  truncated?: number;
}

/** JSONata words that are operators or literals: as a field name they must be quoted. */
const RESERVED = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const TREE_LIMITS = { depth: 8, keys: 200, items: 10 } as const;

/**
 * A field name as a JSONata path step: plain identifiers as they are, anything else in backticks.
 * Returns null when the name holds a backtick, which JSONata cannot quote (use `$lookup`).
 */
export function quoteName(name: string): string | null {
  if (PLAIN_NAME.test(name) && !RESERVED.has(name)) return name;
  if (name.includes('`')) return null;
  return `\`${name}\``;
}

/** The reference to field `name` of the value `parent` refers to. */
export function childReference(parent: string, name: string): string {
  const quoted = quoteName(name);
  return quoted === null ? `$lookup(${parent}, ${JSON.stringify(name)})` : `${parent}.${quoted}`;
}

export function itemReference(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** The reference to a node's output: `steps.saveOrder` (node ids are always plain names). */
export function stepReference(nodeId: string): string {
  return childReference('steps', nodeId);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The schema variant that says most: of a union, the first that is not just null. */
function resolveSchema(schema: OutputSchema | undefined): OutputSchema | undefined {
  if (!schema) return undefined;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants && variants.length > 0) {
    const useful = variants.find((v) => v.type !== 'null' && !(Array.isArray(v.type) && v.type.every((t) => t === 'null')));
    return resolveSchema(useful ?? variants[0]);
  }
  return schema;
}

function schemaType(schema: OutputSchema | undefined): FieldType {
  if (!schema) return 'any';
  const raw = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (raw === undefined) {
    if (schema.properties) return 'object';
    if (schema.items || schema.prefixItems) return 'array';
    return 'any';
  }
  return (['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'] as const).find((t) => t === raw) ?? 'any';
}

export function valueType(value: unknown): FieldType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') return typeof value as FieldType;
  return 'any';
}

function itemSchema(schema: OutputSchema | undefined, index: number): OutputSchema | undefined {
  if (!schema) return undefined;
  const prefix = schema.prefixItems?.[index];
  if (prefix) return prefix;
  return Array.isArray(schema.items) ? schema.items[index] : schema.items;
}

interface BuildInput {
  label: string;
  reference: string;
  schema?: OutputSchema | undefined;
  /** `sample` is only read when hasSample is true (undefined is a real "no sample"). */
  hasSample: boolean;
  sample?: unknown;
}

/** One field with its children, from its schema and its sample value, whichever says more. */
export function buildNode(input: BuildInput, depth = 0): MappingNode {
  const schema = resolveSchema(input.schema);
  const sampleKnown = input.hasSample && input.sample !== undefined;
  const type: FieldType = sampleKnown ? valueType(input.sample) : schemaType(schema);
  const node: MappingNode = {
    reference: input.reference,
    label: input.label,
    type: type === 'number' && schemaType(schema) === 'integer' ? 'integer' : type,
    hasSample: sampleKnown,
    children: [],
    ...(sampleKnown ? { sample: input.sample } : {}),
    ...(schema?.description ? { description: schema.description } : {}),
  };
  if (depth >= TREE_LIMITS.depth) return node;
  if (type === 'object') {
    const fromSchema = Object.keys(schema?.properties ?? {});
    const sampleObject = sampleKnown && isRecord(input.sample) ? input.sample : undefined;
    const names = [...new Set([...fromSchema, ...Object.keys(sampleObject ?? {})])];
    const shown = names.slice(0, TREE_LIMITS.keys);
    const extra = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    node.children = shown.map((name) =>
      buildNode(
        {
          label: name,
          reference: childReference(input.reference, name),
          schema: schema?.properties?.[name] ?? extra,
          hasSample: sampleObject !== undefined && Object.hasOwn(sampleObject, name),
          sample: sampleObject?.[name],
        },
        depth + 1,
      ),
    );
    if (names.length > shown.length) node.truncated = names.length - shown.length;
  } else if (type === 'array') {
    const items = sampleKnown && Array.isArray(input.sample) ? input.sample : undefined;
    // Without a sample, one item stands for all of them.
    const count = items ? items.length : itemSchema(schema, 0) ? 1 : 0;
    const shown = Math.min(count, TREE_LIMITS.items);
    for (let i = 0; i < shown; i++) {
      node.children.push(buildNode({ label: `[${i}]`, reference: itemReference(input.reference, i), schema: itemSchema(schema, i), hasSample: items !== undefined, sample: items?.[i] }, depth + 1));
    }
    if (count > shown) node.truncated = count - shown;
  }
  return node;
}

/** What every CloudEvent carries; `data` is described by the sample event only. */
export const CLOUD_EVENT_SCHEMA: OutputSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    source: { type: 'string' },
    type: { type: 'string' },
    subject: { type: 'string' },
    time: { type: 'string' },
    data: { type: 'object' },
  },
};

export interface UpstreamStep {
  nodeId: string;
  /** The node's name or id, and its type's label. */
  label: string;
  schema?: OutputSchema | undefined;
  hasSample: boolean;
  sample?: unknown;
}

/** The roots of the tree: the trigger event, then each upstream node's output. */
export function buildMappingTree(o: { event: { hasSample: boolean; sample?: unknown; label: string }; steps: readonly UpstreamStep[] }): MappingNode[] {
  const event = buildNode({ label: o.event.label, reference: 'event', schema: CLOUD_EVENT_SCHEMA, hasSample: o.event.hasSample, sample: o.event.sample });
  const steps = o.steps.map((s) => buildNode({ label: s.label, reference: stepReference(s.nodeId), schema: s.schema, hasSample: s.hasSample, sample: s.sample }));
  return [event, ...steps];
}

/** Ancestors of `nodeId` along the edges, in document order: the nodes whose outputs it may read. */
export function upstreamNodeIds(o: { nodeIds: readonly string[]; edges: readonly { source: string; target: string }[]; nodeId: string }): string[] {
  const incoming = new Map<string, string[]>();
  for (const e of o.edges) incoming.set(e.target, [...(incoming.get(e.target) ?? []), e.source]);
  const seen = new Set<string>();
  const stack = [...(incoming.get(o.nodeId) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop();
    if (id === undefined || seen.has(id) || id === o.nodeId) continue;
    seen.add(id);
    stack.push(...(incoming.get(id) ?? []));
  }
  return o.nodeIds.filter((id) => seen.has(id));
}

export interface VisibleRow {
  node: MappingNode;
  depth: number;
  parent: string | null;
  expanded: boolean;
  hasChildren: boolean;
}

function matches(node: MappingNode, query: string): boolean {
  return node.label.toLowerCase().includes(query) || node.reference.toLowerCase().includes(query);
}

/**
 * The rows shown, depth first: children of expanded nodes; while searching, every match with the
 * ancestors that lead to it (opened automatically), and all children of a matching node opened by hand.
 */
export function visibleRows(roots: readonly MappingNode[], o: { expanded: ReadonlySet<string>; query: string }): VisibleRow[] {
  const query = o.query.trim().toLowerCase();
  const rows: VisibleRow[] = [];
  const hasMatch = new Map<string, boolean>();
  const subtreeMatches = (node: MappingNode): boolean => {
    const known = hasMatch.get(node.reference);
    if (known !== undefined) return known;
    const result = matches(node, query) || node.children.some(subtreeMatches);
    hasMatch.set(node.reference, result);
    return result;
  };
  // `shown`: the parent was opened by hand, so every child shows even when it does not match.
  const walk = (node: MappingNode, depth: number, parent: string | null, shown: boolean): void => {
    if (query !== '' && !shown && !subtreeMatches(node)) return;
    const expanded = (query !== '' && node.children.some(subtreeMatches)) || o.expanded.has(node.reference);
    rows.push({ node, depth, parent, expanded, hasChildren: node.children.length > 0 });
    if (!expanded) return;
    const showAll = query === '' || (o.expanded.has(node.reference) && matches(node, query));
    for (const child of node.children) walk(child, depth + 1, node.reference, showAll);
  };
  for (const root of roots) walk(root, 0, null, false);
  return rows;
}

/** A short text of a sample value for one tree row. */
export function sampleText(value: unknown, max = 40): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (Array.isArray(value)) text = `[${value.length}]`;
  else if (isRecord(value)) text = `{${Object.keys(value).length}}`;
  else text = String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
