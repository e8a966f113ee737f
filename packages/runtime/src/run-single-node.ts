import { resolveParameters, type PlanNode } from '@qiao/flow';
import { createActionContext, getAction, runAction, toStorableJson, UserError, type SessionStore } from '@qiao/connectors';
import type { ConnectionResolver } from './connections';
import type { CloudEvent } from './events/cloud-event';
import { expressionContext } from './expression-context';
import { describeFailure, type StepFailure } from './step-failure';

export interface SingleNodeDeps {
  connections: ConnectionResolver;
  sessions?: SessionStore;
}

export interface SingleNodeArgs {
  node: PlanNode;
  event: CloudEvent;
  /** Pinned outputs of the node's upstream steps, by node id (what `steps.<id>` reads). */
  steps: Record<string, unknown>;
  /** Stable for one request, so a repeated request is recognised by the remote system. */
  idempotencyKey: string;
  /** Longest the call may take; the node's own timeout applies when it is shorter. */
  maxMs: number;
}

export interface SingleNodeResult {
  input: unknown;
  output?: unknown;
  error?: StepFailure;
  durationMs: number;
}

/**
 * Runs one node once, outside any run: its parameters are resolved against the given event and
 * upstream outputs, then its action is called through the same `runAction` path a worker uses (schemas
 * checked, credentials from the connection, the given idempotency key). No retries: the designer
 * sees the first answer. Failures come back as data, never thrown.
 */
export async function runSingleNode(deps: SingleNodeDeps, args: SingleNodeArgs): Promise<SingleNodeResult> {
  const started = Date.now();
  let input: unknown = null;
  try {
    const upstream = Object.fromEntries(Object.entries(args.steps).filter(([id]) => args.node.upstream.includes(id)));
    input = await resolveParameters(args.node.parameters, expressionContext(args.event, upstream));
    const found = getAction(args.node.type);
    if (!found) throw new UserError({ code: 'unknown_node_type', path: ['type'], message: { en: `No connector provides node type ${args.node.type}.`, 'zh-CN': `没有连接器提供节点类型 ${args.node.type}。` } });
    let credentials: unknown = {};
    if (args.node.connectionId) {
      const connection = await deps.connections.resolve(args.node.connectionId);
      if (!connection) throw new UserError({ code: 'connection_missing', path: ['connectionId'], message: { en: `Connection ${args.node.connectionId} does not exist.`, 'zh-CN': `连接 ${args.node.connectionId} 不存在。` } });
      credentials = connection.credentials;
    }
    const context = createActionContext({
      credentials,
      connectionId: args.node.connectionId ?? '',
      idempotencyKey: args.idempotencyKey,
      attempt: 1,
      signal: AbortSignal.timeout(Math.min(args.node.timeoutMs, args.maxMs)),
      ...(deps.sessions ? { sessions: deps.sessions } : {}),
    });
    const output = toStorableJson(await runAction({ connector: found.connector, action: found.action, context, input }));
    return { input: toStorableJson(input), output, durationMs: Date.now() - started };
  } catch (err) {
    return { input: toStorableJson(input), error: describeFailure(err), durationMs: Date.now() - started };
  }
}
