import type { CompileErrorLike } from './problems';
import type { NodeSample } from './sample-data';
import type { RouterOutputs } from '../../../trpc';
import type { EditorNode } from '../../../lib/flow-editor-model';
import type { JsonSchema } from '../../../lib/schema-form-model';

export type NodeTypeInfo = RouterOutputs['flows']['nodeTypes'][number] & { params: JsonSchema };
export type NodeGroup = 'trigger' | 'erp' | 'messaging' | 'logic' | 'data';
export const GROUPS: readonly NodeGroup[] = ['trigger', 'erp', 'messaging', 'logic', 'data'];
export const GROUP_ICONS: Record<NodeGroup, string> = { trigger: '⚡', erp: '▦', messaging: '✉', logic: '⑂', data: '⇄' };

export function groupOf(group: string | undefined): NodeGroup {
  return (GROUPS as readonly string[]).includes(group ?? '') ? (group as NodeGroup) : 'data';
}

/** What a node card shows. */
export interface CardData extends Record<string, unknown> {
  node: EditorNode;
  label: string;
  group: NodeGroup;
  summary: string;
  errors: CompileErrorLike[];
  /** What the node did in the latest test (or single-node) run, if it ran. */
  run?: NodeSample | undefined;
}
