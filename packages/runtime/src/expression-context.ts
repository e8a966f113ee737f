import type { ExpressionContext, ValueMapTables } from '@qiao/flow';
import type { CloudEvent } from './events/cloud-event';

/**
 * The JSONata input every expression sees: `event` and `steps`, as the flow package documents,
 * plus the published plan's value maps for `$valueMap` (bound as a function, not readable as data).
 */
export function expressionContext(
  event: Pick<CloudEvent, 'id' | 'source' | 'type'> & Record<string, unknown>,
  steps: Record<string, unknown>,
  valueMaps?: ValueMapTables,
): ExpressionContext & { event: unknown; steps: Record<string, unknown> } {
  return { event, steps, ...(valueMaps ? { valueMaps } : {}) };
}
