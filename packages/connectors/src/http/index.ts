import { defineConnector } from '../kit/define-connector';
import { ConnectorError } from '../kit/errors/connector-error';
import { request } from './actions/request';
import { httpAuthSchema } from './auth';
import { send } from './transport';

export const http = defineConnector({
  id: 'http',
  name: { en: 'HTTP / REST', 'zh-CN': 'HTTP / REST 接口' },
  description: { en: 'Calls any REST API.', 'zh-CN': '调用任意 REST 接口。' },
  group: 'data',
  auth: httpAuthSchema,
  // `name` is the header's name (e.g. X-Api-Key); its `value` is the secret.
  publicFields: ['type', 'baseUrl', 'name', 'username'],
  endpointFields: ['baseUrl'],
  secretFields: ['value', 'password', 'token'],
  actions: [request],
  triggers: [],
  async testConnection(ctx) {
    const { baseUrl } = ctx.credentials;
    if (!baseUrl) return { ok: true, detail: 'No baseUrl to test; requests must use absolute URLs.' };
    // Any answer proves the host is reachable; 401/403 mean the credentials are wrong.
    const answer = await send(ctx, { method: 'GET', url: baseUrl, timeoutMs: 10_000, expectJson: false, successStatuses: range(100, 599) });
    if (answer.status === 401 || answer.status === 403) {
      throw new ConnectorError({ system: 'http', code: `http_${answer.status}`, message: `${baseUrl} refused the credentials (HTTP ${answer.status})`, retryable: false });
    }
    return { ok: true, detail: `${baseUrl} answered HTTP ${answer.status}` };
  },
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export { httpAuthSchema, type HttpCredentials } from './auth';
