import type { z } from 'zod';
import type { ActionContext } from './context';
import type { Action, Connector } from './define-connector';
import { UserError } from './errors/user-error';

export interface RunActionOptions {
  connector: Connector;
  action: Action;
  /** Context whose `credentials` are the stored (decrypted) value, not yet parsed. */
  context: ActionContext;
  /** Resolved parameter values (expressions already evaluated). */
  input: unknown;
}

/**
 * The safe way for a runtime to call an action: parses credentials and input with the connector's
 * schemas (bad ones become UserErrors with a field path), runs it, and checks the output, so an
 * action can rely on its types and downstream nodes on the output schema.
 */
export async function runAction(options: RunActionOptions): Promise<unknown> {
  const { connector, action, context } = options;
  const credentials = parseOrUserError({ schema: connector.auth, value: context.credentials, root: 'credentials', code: 'invalid_credentials' });
  const input = parseOrUserError({ schema: action.input, value: options.input, root: 'params', code: 'invalid_input' });
  const output = await action.run({ ...context, credentials }, input);
  const checked = action.output.safeParse(output);
  if (!checked.success) {
    // The action broke its own contract: a bug, not the user's fault.
    throw new Error(`${connector.id}.${action.id} returned output that does not match its schema: ${checked.error.message}`);
  }
  return checked.data;
}

function parseOrUserError(args: { schema: z.ZodType; value: unknown; root: string; code: string }): unknown {
  const parsed = args.schema.safeParse(args.value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = (issue?.path ?? []).map((p) => (typeof p === 'number' ? p : String(p)));
  const where = [args.root, ...path].join('.');
  throw new UserError({
    code: args.code,
    path: [args.root, ...path],
    message: {
      en: `${where}: ${issue?.message ?? 'invalid value'}`,
      'zh-CN': `${where}：${issue?.message ?? '值无效'}`,
    },
    cause: parsed.error,
  });
}
