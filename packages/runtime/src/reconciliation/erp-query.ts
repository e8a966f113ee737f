import { createActionContext, createSessionStore, getAction, runAction, type SessionStore } from '@qiao/connectors';

export interface ErpQueryRequest {
  formId: string;
  fieldKeys: readonly string[];
  filter: string;
}

/** The one thing reconciliation asks of an ERP: a filtered ExecuteBillQuery, rows keyed by field. */
export type ErpQuery = (request: ErpQueryRequest) => Promise<Record<string, unknown>[]>;

/**
 * An ErpQuery over the Kingdee connector's queryBills action, so login, session renewal and error
 * handling are the connector's. `credentials` are the connection's stored (decrypted) value.
 */
export function kingdeeErpQuery(options: { credentials: unknown; connectionId: string; sessions?: SessionStore; signal?: AbortSignal }): ErpQuery {
  const sessions = options.sessions ?? createSessionStore();
  const found = getAction('kingdee.queryBills');
  if (!found) throw new Error('the Kingdee connector has no queryBills action');
  return async (request) => {
    const context = createActionContext({
      credentials: options.credentials,
      connectionId: options.connectionId,
      idempotencyKey: `reconcile:${request.formId}`,
      attempt: 1,
      sessions,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const output = (await runAction({ connector: found.connector, action: found.action, context, input: { formId: request.formId, fieldKeys: [...request.fieldKeys], filter: request.filter } })) as { rows: Record<string, unknown>[] };
    return output.rows;
  };
}
