import type { NodeTypeRegistry } from '@qiao/flow';
import type { Connector } from './kit/define-connector';
import { createNodeTypeRegistry, findAction, findConnector, type ResolvedAction } from './kit/registry';
import { http } from './http';
import { kingdee } from './kingdee';
import { mqtt } from './mqtt';

/** Every connector that ships with Qiao. Built from each connector's export, never edited by hand elsewhere. */
export const builtinConnectors: readonly Connector[] = [kingdee, http, mqtt];

export function getConnector(id: string, connectors: readonly Connector[] = builtinConnectors): Connector | undefined {
  return findConnector(connectors, id);
}

/** `kingdee.saveBill` → the connector and the action, or undefined. */
export function getAction(nodeType: string, connectors: readonly Connector[] = builtinConnectors): ResolvedAction | undefined {
  return findAction(connectors, nodeType);
}

/** One node type per action, for the flow compiler and the designer. */
export function nodeTypeRegistry(connectors: readonly Connector[] = builtinConnectors): NodeTypeRegistry {
  return createNodeTypeRegistry(connectors);
}
