import { z } from 'zod';
import { edgeIdSchema, nodeIdSchema } from './ids';
import { valueMapsSchema } from './value-maps';

/** The document version this code writes and the compiler accepts after migration. */
export const CURRENT_SCHEMA_VERSION = 1;

/** A parameter value computed at run time: `{ "$expr": "<jsonata>" }`, nothing more, nothing less. */
export const expressionValueSchema = z.strictObject({ $expr: z.string() });
export type ExpressionValue = z.infer<typeof expressionValueSchema>;

/** True only for the exact shape `{ $expr: string }`; any other value is a literal. */
export function isExpression(value: unknown): value is ExpressionValue {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$expr' && typeof (value as { $expr?: unknown }).$expr === 'string';
}

/** Builds an expression parameter value: `expr('event.data.orderNo')`. */
export function expr(source: string): ExpressionValue {
  return { $expr: source };
}

export const DEFAULT_RETRY = { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2 } as const;
export const DEFAULT_TIMEOUT_MS = 30_000;

export const retryPolicySchema = z
  .strictObject({
    maxAttempts: z.int().min(1).max(20).default(DEFAULT_RETRY.maxAttempts),
    initialDelayMs: z.int().min(0).default(DEFAULT_RETRY.initialDelayMs),
    maxDelayMs: z.int().min(0).default(DEFAULT_RETRY.maxDelayMs),
    multiplier: z.number().min(1).max(100).default(DEFAULT_RETRY.multiplier),
  })
  // A ceiling below the first delay would silently turn backoff into a fixed delay.
  .refine((r) => r.maxDelayMs >= r.initialDelayMs, { path: ['maxDelayMs'], params: { qiao: 'max_delay_below_initial' } });
export type RetryPolicy = z.infer<typeof retryPolicySchema>;

export const positionSchema = z.strictObject({ x: z.number(), y: z.number() });

/** Parameters must survive JSON (they are stored and copied into the plan), so values are JSON values. */
export const parametersSchema = z.record(z.string(), z.json()).meta({
  description: 'Node parameters. Any value of the exact shape { "$expr": "<JSONata>" } is computed at run time; every other value is a literal.',
});

export const flowNodeSchema = z.strictObject({
  id: nodeIdSchema,
  type: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  connectionId: z.string().min(1).optional(),
  parameters: parametersSchema,
  retry: retryPolicySchema.optional(),
  /** Defaults to DEFAULT_TIMEOUT_MS in the plan. */
  timeoutMs: z.int().min(1).max(24 * 60 * 60 * 1000).optional(),
  position: positionSchema,
});
export type FlowNode = z.infer<typeof flowNodeSchema>;

export const flowEdgeSchema = z.strictObject({
  id: edgeIdSchema,
  source: z.string().min(1),
  target: z.string().min(1),
  /** JSONata that must evaluate to a boolean; the edge is taken only when it is true. */
  condition: z.string().optional(),
});
export type FlowEdge = z.infer<typeof flowEdgeSchema>;

export const flowTriggerSchema = z.strictObject({
  /** CloudEvents `type`, e.g. `com.qiao.sales_order.created`. */
  eventType: z.string().min(1).max(500),
  /** JSONata over `{ event }` that must evaluate to a boolean. */
  filter: z.string().optional(),
});
export type FlowTrigger = z.infer<typeof flowTriggerSchema>;

// Strict objects: a misspelt `conditon` silently dropped would change what a flow does.
export const flowDocumentSchema = z.strictObject({
  schemaVersion: z.literal(CURRENT_SCHEMA_VERSION),
  name: z.string().min(1).max(200),
  description: z.string().optional(),
  trigger: flowTriggerSchema,
  nodes: z.array(flowNodeSchema),
  edges: z.array(flowEdgeSchema),
  /** Key → value tables read from expressions with `$valueMap(name, key[, default])`. */
  valueMaps: valueMapsSchema.optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
}).meta({ title: 'Qiao flow document', description: 'A flow as drawn in the designer: a trigger, nodes and the edges between them.' });
/** A validated document (defaults applied). */
export type FlowDocument = z.infer<typeof flowDocumentSchema>;
/** What an author may write (defaults may be left out). */
export type FlowDocumentInput = z.input<typeof flowDocumentSchema>;
