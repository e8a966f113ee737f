import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { appAuthSchema, CallbackCryptoError, decryptCallback, dingtalkEventToCloudEvent, encryptedSuccess, verifyCallbackSignature } from '@qiao/connectors';
import { acceptEvent, cloudEventSchema, type AcceptDeps, type SecretBox } from '@qiao/runtime';
import { findProtoKey, MAX_JSON_DEPTH, nestingDepth } from '../gateway/parse-cloud-event';
import { sendProblem } from '../problem';

export interface DingtalkCallbackDeps extends AcceptDeps {
  box: SecretBox;
}

/** DingTalk's encrypted events are small; anything larger is not from DingTalk. */
const MAX_CALLBACK_BYTES = 256 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface CallbackSecrets {
  token: string;
  aesKey: string;
  ownerKey: string;
}

/**
 * POST /api/callbacks/dingtalk/:connectionId — DingTalk's HTTP-push events. The signature is checked
 * (timing-safe) before anything is decrypted, the owner key after; then the event is committed as a
 * CloudEvent (deduplicated on source + id) and the encrypted `success` is returned. The request does
 * only that one commit, so it answers well within DingTalk's 1.5 s; the flows it starts run in the worker.
 */
export async function dingtalkCallbackRoutes(app: FastifyInstance, deps: DingtalkCallbackDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_CALLBACK_BYTES }, (_req, body, done) => done(null, body));
  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      req.log.warn({ code: err.code, msg: err.message }, 'dingtalk callback rejected');
      return sendProblem(reply, { status: err.statusCode, title: err.statusCode === 413 ? 'Payload Too Large' : 'Bad Request', detail: err.message });
    }
    req.log.error({ err }, 'dingtalk callback failure');
    return sendProblem(reply, { status: 503, title: 'Service Unavailable', detail: 'The event could not be stored; DingTalk will deliver it again.' });
  });

  app.post<{ Params: { connectionId: string } }>('/api/callbacks/dingtalk/:connectionId', async (req, reply) => {
    const { connectionId } = req.params;
    const reject = (status: number, detail: string, path?: string) => {
      req.log.warn({ connectionId, status, detail }, 'dingtalk callback rejected');
      return sendProblem(reply, { status, title: status === 404 ? 'Not Found' : status === 403 ? 'Forbidden' : 'Bad Request', detail, ...(path ? { errors: [{ path, message: detail }] } : {}) });
    };
    if (!UUID.test(connectionId)) return reject(404, 'No DingTalk callback is configured at this address.');
    const query = parseQuery(req.query);
    if ('missing' in query) return reject(400, `The query parameter ${query.missing} is required.`, query.missing);
    const encrypt = parseBody(req.body);
    if (encrypt === null) return reject(400, 'The body must be JSON {"encrypt": "<base64>"}.', 'encrypt');

    const secrets = await loadSecrets(deps, connectionId);
    if (!secrets) return reject(404, 'No DingTalk callback is configured at this address.');
    if (!verifyCallbackSignature({ token: secrets.token, timestamp: query.timestamp, nonce: query.nonce, encrypt, signature: query.signature })) {
      return reject(403, 'The signature does not match.', 'signature');
    }
    let message: string;
    try {
      message = decryptCallback({ aesKey: secrets.aesKey, ownerKey: secrets.ownerKey, encrypt });
    } catch (error) {
      if (error instanceof CallbackCryptoError && error.code === 'wrong_owner') return reject(403, 'The event was encrypted for another app or corp.', 'encrypt');
      return reject(400, 'The encrypted body could not be decrypted.', 'encrypt');
    }
    // The same limits as the event gateway: a signed event is still not trusted to be shallow or free of "__proto__".
    if (nestingDepth(message) > MAX_JSON_DEPTH) return reject(400, `The decrypted event is nested deeper than ${MAX_JSON_DEPTH} levels.`, 'encrypt');
    let body: unknown;
    try {
      body = JSON.parse(message);
    } catch {
      return reject(400, 'The decrypted event is not JSON.', 'encrypt');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return reject(400, 'The decrypted event is not a JSON object.', 'encrypt');
    const poisoned = findProtoKey(body);
    if (poisoned) return reject(400, `A "__proto__" key is not allowed in the event (at ${poisoned}).`, poisoned);
    const record = body as Record<string, unknown>;
    // check_url is DingTalk testing the address when it is saved: answer, publish nothing.
    if (record['EventType'] !== 'check_url') {
      const mapped = dingtalkEventToCloudEvent({ connectionId, body: record, raw: message });
      if (!mapped) return reject(400, 'The event has no valid EventType.', 'EventType');
      const event = cloudEventSchema.safeParse(mapped);
      if (!event.success) return reject(400, `The event cannot be stored: ${event.error.issues[0]?.message ?? 'invalid'}`, 'encrypt');
      const result = await acceptEvent(deps, { event: event.data });
      req.log.info({ connectionId, type: mapped.type, eventId: mapped.id, duplicate: result.duplicate }, 'dingtalk event accepted');
    }
    return successReply(reply, secrets);
  });
}

function successReply(reply: FastifyReply, secrets: CallbackSecrets): FastifyReply {
  return reply.code(200).type('application/json; charset=utf-8').send(encryptedSuccess(secrets));
}

/** DingTalk has sent both spellings over the years: signature|msg_signature, timestamp|timeStamp. */
function parseQuery(raw: FastifyRequest['query']): { signature: string; timestamp: string; nonce: string } | { missing: string } {
  const q = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const pick = (...names: string[]) => names.map((n) => q[n]).find((v): v is string => typeof v === 'string' && v !== '' && v.length <= 256);
  const signature = pick('signature', 'msg_signature');
  if (!signature) return { missing: 'signature' };
  const timestamp = pick('timestamp', 'timeStamp');
  if (!timestamp) return { missing: 'timestamp' };
  const nonce = pick('nonce');
  if (!nonce) return { missing: 'nonce' };
  return { signature, timestamp, nonce };
}

function parseBody(raw: unknown): string | null {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
  const encrypt = typeof parsed === 'object' && parsed !== null ? (parsed as { encrypt?: unknown }).encrypt : undefined;
  return typeof encrypt === 'string' && /^[A-Za-z0-9+/]+=*$/.test(encrypt) ? encrypt : null;
}

async function loadSecrets(deps: DingtalkCallbackDeps, connectionId: string): Promise<CallbackSecrets | null> {
  const row = await deps.prisma.connection.findUnique({ where: { id: connectionId }, select: { connectorId: true, secret: true } });
  if (row?.connectorId !== 'dingtalk') return null;
  const parsed = appAuthSchema.safeParse(deps.box.openJson(row.secret));
  if (!parsed.success) return null;
  const { callbackToken, aesKey, ownerKey, appKey } = parsed.data;
  if (!callbackToken || !aesKey) return null;
  return { token: callbackToken, aesKey, ownerKey: ownerKey ?? appKey };
}
