import type { FastifyInstance, FastifyRequest } from 'fastify';
import { acceptEvent, type AcceptDeps } from '@qiao/runtime';
import { sendProblem } from '../problem';
import type { ApiKeyVerifier } from './api-keys';
import { parseCloudEventRequest } from './parse-cloud-event';

export interface GatewayDeps extends AcceptDeps {
  verifier: ApiKeyVerifier;
  maxEventBytes: number;
}

/**
 * POST /api/events — the event gateway. 202 with a receipt once the event (and the runs it starts)
 * are committed; 200 with the original receipt for a repeat of the same source+id; problem details otherwise.
 */
export async function eventRoutes(app: FastifyInstance, deps: GatewayDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxEventBytes }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    if (err.statusCode === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      req.log.warn({ code: err.code }, 'event rejected: body too large');
      return sendProblem(reply, { status: 413, title: 'Payload Too Large', detail: `The event exceeds ${deps.maxEventBytes} bytes.` });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      req.log.warn({ code: err.code, msg: err.message }, 'event rejected');
      return sendProblem(reply, { status: err.statusCode, title: 'Bad Request', detail: err.message });
    }
    if (isDataException(err)) {
      req.log.warn({ msg: err.message }, 'event rejected: value the database cannot store');
      return sendProblem(reply, { status: 400, title: 'Bad Request', detail: 'The event holds a value that cannot be stored (e.g. an impossible date or invalid text); nothing was accepted.' });
    }
    req.log.error({ err }, 'event gateway failure');
    return sendProblem(reply, { status: 503, title: 'Service Unavailable', detail: 'The event could not be stored; nothing was accepted. Retry later.' });
  });

  app.post('/api/events', async (req, reply) => {
    const key = await authenticate(req, deps.verifier);
    if (!key) {
      req.log.warn('event rejected: missing or unknown API key');
      return sendProblem(reply.header('www-authenticate', 'Bearer'), { status: 401, title: 'Unauthorized', detail: 'Send a valid API key as "Authorization: Bearer <key>".' });
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const parsed = parseCloudEventRequest(req.headers, body);
    if (!parsed.ok) {
      req.log.warn({ errors: parsed.errors }, 'event rejected: invalid');
      return sendProblem(reply, { status: 400, title: 'Bad Request', detail: parsed.detail, errors: parsed.errors });
    }
    if (key.source !== '*' && key.source !== parsed.event.source) {
      req.log.warn({ source: parsed.event.source }, 'event rejected: source not allowed for key');
      return sendProblem(reply, { status: 403, title: 'Forbidden', detail: `This API key may only send events with source "${key.source}".`, errors: [{ path: 'source', message: 'not allowed for this API key' }] });
    }
    const result = await acceptEvent(deps, { event: parsed.event, apiKeyId: key.id });
    return reply.code(result.duplicate ? 200 : 202).send({ duplicate: result.duplicate, ...result.receipt });
  });
}

async function authenticate(req: FastifyRequest, verifier: ApiKeyVerifier) {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token) return null;
  return verifier.verify(token.trim());
}

/** PostgreSQL class 22 (data exception): the input was bad, not the server. */
function isDataException(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const codes = [
    (err as { code?: unknown }).code,
    (err as { meta?: { code?: unknown } }).meta?.code,
    (err as { cause?: { originalCode?: unknown } }).cause?.originalCode,
  ];
  return codes.some((c) => typeof c === 'string' && /^22[0-9A-Z]{3}$/.test(c));
}
