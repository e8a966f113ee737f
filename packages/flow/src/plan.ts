import { z } from 'zod';
import { CURRENT_SCHEMA_VERSION } from './document';

export const PLAN_VERSION = 1;

export const planRetrySchema = z.object({
  maxAttempts: z.int(),
  initialDelayMs: z.int(),
  maxDelayMs: z.int(),
  multiplier: z.number(),
});
export type PlanRetry = z.infer<typeof planRetrySchema>;

export const planNodeSchema = z.object({
  id: z.string(),
  type: z.string(),
  /** The node's name, or its id when it has none. */
  name: z.string(),
  connectionId: z.string().optional(),
  /** As written in the document: literals and unresolved `{ $expr }` values. */
  parameters: z.record(z.string(), z.json()),
  retry: planRetrySchema,
  timeoutMs: z.int(),
  /** Edge ids, in document order. */
  incoming: z.array(z.string()),
  outgoing: z.array(z.string()),
  /** Every ancestor node id, sorted: the nodes whose outputs the node may read. */
  upstream: z.array(z.string()),
});
export type PlanNode = z.infer<typeof planNodeSchema>;

export const planEdgeSchema = z.object({
  id: z.string(),
  source: z.string(),
  target: z.string(),
  condition: z.string().optional(),
});
export type PlanEdge = z.infer<typeof planEdgeSchema>;

/** What the compiler hands to the engine. JSON-serialisable; the worker stores it as is. */
export const executionPlanSchema = z.object({
  planVersion: z.literal(PLAN_VERSION),
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  trigger: z.object({ eventType: z.string(), filter: z.string().optional() }),
  nodes: z.record(z.string(), planNodeSchema),
  /** A topological order: every node comes after all of its ancestors. */
  order: z.array(z.string()),
  /** Nodes without incoming edges, in document order; they run first. */
  entryNodes: z.array(z.string()),
  edges: z.array(planEdgeSchema),
  /** The document's value maps as lookup tables (map name → key → value), for `$valueMap`. */
  valueMaps: z.record(z.string(), z.record(z.string(), z.string())).optional(),
});
export type ExecutionPlan = z.infer<typeof executionPlanSchema>;
