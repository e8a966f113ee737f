import { forEachNode } from './ast';
import { getCompiled } from './parse';
import { VALUE_MAP_FUNCTION } from './value-map-function';

export interface ValueMapReference {
  name: string;
  /** JSONata's character offset of the call. */
  position: number;
}

/**
 * The value maps an expression names literally: `$valueMap('customers', …)`. A name computed at run
 * time cannot be checked here; the evaluation reports it if the map does not exist.
 */
export function valueMapReferences(source: string): ValueMapReference[] {
  const entry = getCompiled(source);
  if (!entry.ok) return [];
  const found: ValueMapReference[] = [];
  forEachNode(entry.ast, (node) => {
    if (node.type !== 'function') return;
    const procedure = node.procedure as { type?: unknown; value?: unknown } | undefined;
    if (procedure?.type !== 'variable' || procedure.value !== VALUE_MAP_FUNCTION) return;
    const first: unknown = Array.isArray(node.arguments) ? node.arguments[0] : undefined;
    const arg = first as { type?: unknown; value?: unknown } | undefined;
    if (arg?.type === 'string' && typeof arg.value === 'string') found.push({ name: arg.value, position: node.position ?? 0 });
  });
  return found.sort((a, b) => a.position - b.position);
}
