import type { z } from 'zod';
import type { LocalizedText, NodeGroup } from '@qiao/flow';
import type { ActionContext, ConnectionContext } from './context';

/**
 * One operation of a connector. `input` is the source of the parameter form, of validation and of
 * the `input` type; `output` describes what downstream nodes can map from.
 */
export interface ActionDefinition<I extends z.ZodType, O extends z.ZodType, TCredentials = unknown> {
  /** camelCase, unique within the connector; the node type is `<connectorId>.<id>`. */
  id: string;
  name: LocalizedText;
  description?: LocalizedText;
  input: I;
  output: O;
  run(ctx: ActionContext<TCredentials>, input: z.output<I>): Promise<z.output<O>>;
}

/** An action with its schemas erased, as held in a connector or the registry. */
export type Action<TCredentials = unknown> = ActionDefinition<z.ZodType, z.ZodType, TCredentials>;

export interface TestConnectionResult {
  ok: true;
  detail?: string;
}

export interface ConnectorDefinition<A extends z.ZodType> {
  /** lower-case, unique among connectors. */
  id: string;
  name: LocalizedText;
  description?: LocalizedText;
  group: NodeGroup;
  /** Schema of the connection's credentials; ctx.credentials is its output. */
  auth: A;
  actions: readonly Action<z.output<A>>[];
  /** Trigger kinds are not designed yet; the slot is reserved so the shape does not change. */
  triggers?: readonly [];
  /** Resolves when the connection works; throws a ConnectorError saying precisely what failed. */
  testConnection?(ctx: ConnectionContext<z.output<A>>): Promise<TestConnectionResult>;
}

export type Connector = ConnectorDefinition<z.ZodType>;

const ACTION_ID = /^[a-z][A-Za-z0-9]*$/;
const CONNECTOR_ID = /^[a-z][a-z0-9-]*$/;

export function defineAction<I extends z.ZodType, O extends z.ZodType, TCredentials = unknown>(
  definition: ActionDefinition<I, O, TCredentials>,
): ActionDefinition<I, O, TCredentials> {
  if (!ACTION_ID.test(definition.id)) throw new Error(`Action id "${definition.id}" must be camelCase`);
  return definition;
}

export function defineConnector<A extends z.ZodType>(definition: ConnectorDefinition<A>): ConnectorDefinition<A> {
  if (!CONNECTOR_ID.test(definition.id)) throw new Error(`Connector id "${definition.id}" must be lower-case`);
  const seen = new Set<string>();
  for (const action of definition.actions) {
    if (seen.has(action.id)) throw new Error(`Connector "${definition.id}" defines action "${action.id}" twice`);
    seen.add(action.id);
  }
  return definition;
}
