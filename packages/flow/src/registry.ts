import type { z } from 'zod';

/** Text shown to people, always in both languages Qiao speaks. */
export interface LocalizedText {
  en: string;
  'zh-CN': string;
}

export type NodeGroup = 'trigger' | 'erp' | 'messaging' | 'logic' | 'data';

/**
 * What the compiler (and later the designer) needs to know about one node type.
 * Connectors produce these from their actions; the flow package never imports a connector.
 */
export interface NodeTypeDefinition {
  /** `<connectorId>.<actionId>`, e.g. `kingdee.saveBill`. */
  type: string;
  /** When set, a node of this type must name a connection of this connector. */
  connectorId?: string;
  label: LocalizedText;
  description?: LocalizedText;
  group: NodeGroup;
  /** Schema of the node's parameters once expressions are resolved. */
  params: z.ZodType;
  /** Schema of the node's output, used for field mapping and reference checks. */
  output?: z.ZodType;
}

export interface NodeTypeRegistry {
  get(type: string): NodeTypeDefinition | undefined;
  list(): NodeTypeDefinition[];
}

export function createRegistry(definitions: readonly NodeTypeDefinition[]): NodeTypeRegistry {
  const byType = new Map(definitions.map((d) => [d.type, d]));
  return { get: (type) => byType.get(type), list: () => [...byType.values()] };
}
