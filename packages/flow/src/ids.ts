import { z } from 'zod';

/**
 * A node id doubles as a JSONata field name (`steps.saveOrder.number`), so it is limited to what
 * JSONata accepts unquoted: a letter or underscore, then letters, digits or underscores.
 */
export const NODE_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Ids refused although the pattern allows them: `true`, `false` and `null` are JSONata literals
 * (`steps.true.x` does not parse), and the others reach Object.prototype when a consumer indexes
 * an object by node id.
 */
export const RESERVED_NODE_IDS: ReadonlySet<string> = new Set(['true', 'false', 'null', '__proto__', 'constructor', 'prototype']);

export const nodeIdSchema = z
  .string()
  .regex(NODE_ID_PATTERN)
  .refine((id) => !RESERVED_NODE_IDS.has(id), { params: { qiao: 'reserved_node_id' } });
export type NodeId = z.infer<typeof nodeIdSchema>;

/**
 * Edge ids are free text, but consumers index objects by them too (the runtime records each edge's
 * outcome as `{ [edgeId]: boolean }`, where `out['__proto__'] = false` is silently dropped), so the
 * names that reach Object.prototype are refused here as they are for nodes.
 */
export const RESERVED_EDGE_IDS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const edgeIdSchema = z
  .string()
  .min(1)
  .max(200)
  .refine((id) => !RESERVED_EDGE_IDS.has(id), { params: { qiao: 'reserved_edge_id' } });
export type EdgeId = z.infer<typeof edgeIdSchema>;

export function isValidNodeId(value: string): boolean {
  return NODE_ID_PATTERN.test(value) && !RESERVED_NODE_IDS.has(value);
}
