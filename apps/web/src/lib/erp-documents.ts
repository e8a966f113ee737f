/** An ERP document a run created or reused, as read from its steps' outputs. */
export interface ErpDocument {
  nodeId: string;
  /** Kingdee form id, e.g. SAL_SaleOrder; null when the step does not say. */
  formId: string | null;
  number: string;
  /** ERP internal id (FID), when known. */
  id: string | null;
}

export interface StepLike {
  nodeId: string;
  status: string;
  input: unknown;
  output: unknown;
}

export interface NodeLike {
  id: string;
  type: string;
  name?: string;
  connectionId?: string;
  parameters?: unknown;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** The form id a node writes to: from the step's resolved input, else from the node's literal parameters. */
function formIdOf(step: StepLike, node: NodeLike | undefined, keys: readonly string[]): string | null {
  for (const source of [record(step.input), record(node?.parameters)]) {
    if (!source) continue;
    for (const key of keys) {
      const value = text(source[key]);
      if (value) return value;
    }
  }
  return null;
}

/**
 * The documents in the run's step outputs: `number` (a saved bill, with `formId`) and
 * `targets[].number` (pushed bills, with `targetFormId`). Steps that did not succeed are skipped.
 */
export function erpDocuments(steps: readonly StepLike[], nodes: readonly NodeLike[]): ErpDocument[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const documents: ErpDocument[] = [];
  const seen = new Set<string>();
  const add = (doc: ErpDocument) => {
    const key = `${doc.formId ?? ''}\u0000${doc.number}`;
    if (seen.has(key)) return;
    seen.add(key);
    documents.push(doc);
  };
  for (const step of steps) {
    if (step.status !== 'succeeded') continue;
    const output = record(step.output);
    if (!output) continue;
    const node = byId.get(step.nodeId);
    const number = text(output['number']);
    if (number) add({ nodeId: step.nodeId, formId: formIdOf(step, node, ['formId']), number, id: text(output['id']) });
    if (Array.isArray(output['targets'])) {
      const formId = formIdOf(step, node, ['targetFormId', 'formId']);
      for (const target of output['targets'] as unknown[]) {
        const t = record(target);
        const targetNumber = t ? text(t['number']) : null;
        if (t && targetNumber) add({ nodeId: step.nodeId, formId, number: targetNumber, id: text(t['id']) });
      }
    }
  }
  return documents;
}

/** The nodes of a flow document (a version's definition), tolerating anything malformed. */
export function nodesOf(definition: unknown): NodeLike[] {
  const doc = record(definition);
  if (!doc || !Array.isArray(doc['nodes'])) return [];
  return (doc['nodes'] as unknown[]).flatMap((n) => {
    const node = record(n);
    const id = node ? text(node['id']) : null;
    const type = node ? text(node['type']) : null;
    if (!node || !id || !type) return [];
    const name = text(node['name']);
    const connectionId = text(node['connectionId']);
    return [{ id, type, parameters: node['parameters'], ...(name ? { name } : {}), ...(connectionId ? { connectionId } : {}) }];
  });
}
