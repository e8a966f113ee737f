import type { CloudEvent } from './events/cloud-event';

/** The JSONata input every expression sees: `event` and `steps`, as the flow package documents. */
export function expressionContext(event: Pick<CloudEvent, 'id' | 'source' | 'type'> & Record<string, unknown>, steps: Record<string, unknown>) {
  return { event, steps };
}
