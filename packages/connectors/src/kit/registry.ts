import type { NodeTypeDefinition, NodeTypeRegistry } from '@qiao/flow';
import type { Action, Connector } from './define-connector';

export interface ResolvedAction {
  connector: Connector;
  action: Action;
}

/** Node type of an action: `<connectorId>.<actionId>`. */
export function nodeTypeOf(connector: Connector, action: Action): string {
  return `${connector.id}.${action.id}`;
}

export function toNodeTypeDefinitions(connectors: readonly Connector[]): NodeTypeDefinition[] {
  return connectors.flatMap((connector) =>
    connector.actions.map((action) => {
      const definition: NodeTypeDefinition = {
        type: nodeTypeOf(connector, action),
        connectorId: connector.id,
        label: action.name,
        group: connector.group,
        params: action.input,
        output: action.output,
      };
      if (action.description) definition.description = action.description;
      return definition;
    }),
  );
}

/**
 * Same behaviour as @qiao/flow's createRegistry, built here so this package needs only the
 * flow package's types at run time.
 */
export function createNodeTypeRegistry(connectors: readonly Connector[]): NodeTypeRegistry {
  const byType = new Map(toNodeTypeDefinitions(connectors).map((d) => [d.type, d]));
  return { get: (type) => byType.get(type), list: () => [...byType.values()] };
}

export function findConnector(connectors: readonly Connector[], id: string): Connector | undefined {
  return connectors.find((c) => c.id === id);
}

export function findAction(connectors: readonly Connector[], nodeType: string): ResolvedAction | undefined {
  const dot = nodeType.indexOf('.');
  if (dot <= 0) return undefined;
  const connector = findConnector(connectors, nodeType.slice(0, dot));
  const action = connector?.actions.find((a) => a.id === nodeType.slice(dot + 1));
  return connector && action ? { connector, action } : undefined;
}
