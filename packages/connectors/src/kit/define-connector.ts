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
  /**
   * Allow-list of top-level auth fields that are safe to show (see publicSummary). Fields not
   * listed are never shown; without the list, nothing is.
   */
  publicFields?: readonly string[];
  /**
   * Auth fields that say WHERE the credentials are sent (a server URL). When one changes, the
   * stored secrets must be entered again, or editing the URL would send them to another host.
   */
  endpointFields?: readonly string[];
  /**
   * Auth fields holding secrets: never shown, kept when left empty in an edit, required again
   * when an endpoint field changes. Without the list, every field not in publicFields counts.
   */
  secretFields?: readonly string[];
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
  checkFieldLists(definition);
  return definition;
}

/** The field lists must name auth fields, and a secret can never be public. */
function checkFieldLists(definition: ConnectorDefinition<z.ZodType>): void {
  const known = authFieldNames(definition.auth);
  const lists = { publicFields: definition.publicFields, endpointFields: definition.endpointFields, secretFields: definition.secretFields };
  for (const [list, fields] of Object.entries(lists)) {
    for (const field of fields ?? []) {
      if (known && !known.includes(field)) throw new Error(`Connector "${definition.id}" lists "${field}" in ${list}, but its auth schema has no such field`);
    }
  }
  const leaked = (definition.secretFields ?? []).filter((f) => definition.publicFields?.includes(f));
  if (leaked.length > 0) throw new Error(`Connector "${definition.id}" lists ${leaked.join(', ')} in both publicFields and secretFields`);
}

/**
 * Top-level field names of an auth schema: an object, or a union of objects (e.g. one per auth
 * type); undefined for any other shape, which is then not checked.
 */
export function authFieldNames(schema: z.ZodType): string[] | undefined {
  const def = schema._zod.def as { type: string; shape?: Record<string, unknown>; options?: readonly z.ZodType[] };
  if (def.type === 'object' && def.shape) return Object.keys(def.shape);
  if (def.type === 'union' && def.options) {
    const names = new Set<string>();
    for (const option of def.options) {
      const inner = authFieldNames(option);
      if (!inner) return undefined;
      for (const name of inner) names.add(name);
    }
    return [...names];
  }
  return undefined;
}
