import { STATUS_CODES } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { acceptEvent, type AcceptDeps } from '@qiao/runtime';
import { sendProblem } from '../problem';
import type { ApiKeyVerifier, VerifiedKey } from './api-keys';
import { clientCertificate, type ClientCertificate } from './client-cert';
import { IDEMPOTENCY_HEADER, parseIdempotencyKey, requestFingerprint, type IdempotencyStore } from './idempotency';
import { parseCloudEventRequest } from './parse-cloud-event';
import { decide, type GatewayRateLimiter, type RateHit } from './rate-limit';
import { CONNECTOR_TYPE_PREFIXES, sourceAllowed, typeAllowed } from './scopes';
import { claimSignature, releaseSignature, SIGNATURE_HEADER, verifySignature } from './signature';

export interface GatewayDeps extends AcceptDeps {
  verifier: ApiKeyVerifier;
  maxEventBytes: number;
  redis: Redis;
  /** Private Redis key prefix for replay and rate-limit keys. */
  redisPrefix: string;
  rateLimiter: GatewayRateLimiter;
  idempotency: IdempotencyStore;
  defaultRateLimitPerMinute: number;
}

/**
 * POST /api/events — the event gateway. 202 with a receipt once the event (and the runs it starts)
 * are committed; 200 with the original receipt for a repeat of the same source+id; problem details otherwise.
 * Checks run cheapest-first, and nothing is written to PostgreSQL before all of them passed.
 */
export async function eventRoutes(app: FastifyInstance, deps: GatewayDeps): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: deps.maxEventBytes }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    if (err.statusCode === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      req.log.warn({ code: err.code }, 'event rejected: body too large');
      return sendProblem(reply, { status: 413, title: 'Payload Too Large', detail: `The request body exceeds ${deps.maxEventBytes} bytes.`, errors: [{ path: '(body)', message: `larger than ${deps.maxEventBytes} bytes` }] });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      req.log.warn({ code: err.code, msg: err.message }, 'event rejected');
      return sendProblem(reply, { status: err.statusCode, title: STATUS_CODES[err.statusCode] ?? 'Bad Request', detail: err.message, errors: [{ path: err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'content-type' : '(request)', message: err.message }] });
    }
    if (isDataException(err)) {
      req.log.warn({ msg: err.message }, 'event rejected: value the database cannot store');
      return sendProblem(reply, { status: 400, title: 'Bad Request', detail: 'The event holds a value that cannot be stored (e.g. an impossible date or invalid text); nothing was accepted.' });
    }
    req.log.error({ err }, 'event gateway failure');
    return sendProblem(reply, { status: 503, title: 'Service Unavailable', detail: 'The event could not be stored; nothing was accepted. Retry later.' });
  });

  app.post('/api/events', async (req, reply) => {
    const token = bearerToken(req);
    // With the key cached for this token, its rate-limit hit goes to Redis together with the key check
    // (one wait instead of two); it is used only if the check confirms that same key.
    const hinted = token ? deps.verifier.cachedKey(token) : null;
    const early = hinted ? countRequest(req, deps, hinted.id) : null;
    const key = token ? await deps.verifier.verify(token) : null;
    if (!key) {
      req.log.warn('event rejected: missing or unknown API key');
      return sendProblem(reply.header('www-authenticate', 'Bearer'), { status: 401, title: 'Unauthorized', detail: 'Send a valid API key as "Authorization: Bearer <key>".', errors: [{ path: 'Authorization', message: 'missing, unknown or revoked API key' }] });
    }
    const hit = early && hinted?.id === key.id ? await early : await countRequest(req, deps, key.id);
    const decision = hit ? decide(hit, key.rateLimitPerMinute ?? deps.defaultRateLimitPerMinute) : null;
    const limited = decision && !decision.allowed ? decision.retryAfterSeconds : null;
    if (limited !== null) {
      req.log.warn({ apiKeyId: key.id }, 'event rejected: rate limit');
      return sendProblem(reply.header('retry-after', String(limited)), { status: 429, title: 'Too Many Requests', detail: `This API key sent more than ${key.rateLimitPerMinute ?? deps.defaultRateLimitPerMinute} requests this minute; retry after ${limited} s.` });
    }
    const idempotencyHeader = parseIdempotencyKey(req.headers[IDEMPOTENCY_HEADER]);
    if (!idempotencyHeader.ok) {
      req.log.warn({ msg: idempotencyHeader.message }, 'event rejected: bad Idempotency-Key');
      return sendProblem(reply, { status: 400, title: 'Bad Request', detail: idempotencyHeader.message, errors: [{ path: 'Idempotency-Key', message: idempotencyHeader.message }] });
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);

    const signatureHeader = req.headers[SIGNATURE_HEADER];
    let fingerprintMemo: string | undefined;
    const fingerprint = () => (fingerprintMemo ??= requestFingerprint(req.headers, body));
    let signedDigest: string | null = null;
    if (key.requireSignature || signatureHeader !== undefined) {
      const checked = await checkSignature(deps, { key, header: signatureHeader, body, fingerprint: fingerprint() });
      if ('refused' in checked) {
        const { refused } = checked;
        req.log.warn({ apiKeyId: key.id, msg: refused.message }, 'event rejected: signature');
        return sendProblem(reply, { status: refused.status, title: refused.status === 401 ? 'Unauthorized' : 'Service Unavailable', detail: refused.message, errors: [{ path: 'X-Qiao-Signature', message: refused.message }] });
      }
      signedDigest = checked.digest;
    }
    // A 409 or 503 tells the sender to retry; the same signed bytes must then not count as a replay.
    const forgetSignature = async () => {
      if (signedDigest === null) return;
      await releaseSignature(deps.redis, { prefix: deps.redisPrefix, apiKeyId: key.id, digest: signedDigest, fingerprint: fingerprint() }).catch((e: unknown) => req.log.warn({ err: String(e) }, 'could not release a signature claim; a retry must be signed anew'));
    };

    const parsed = parseCloudEventRequest(req.headers, body);
    if (!parsed.ok) {
      req.log.warn({ errors: parsed.errors }, 'event rejected: invalid');
      return sendProblem(reply, { status: 400, title: 'Bad Request', detail: parsed.detail, errors: parsed.errors });
    }
    const event = parsed.event;
    if (!sourceAllowed(key.source, event.source)) {
      req.log.warn({ source: event.source, apiKeyId: key.id }, 'event rejected: source not allowed for key');
      const detail = key.source === '*'
        ? `Source "${event.source}" is reserved for events Qiao's connectors receive (WeCom, DingTalk, MQTT); only a key created for exactly that source may send it.`
        : `This API key may only send events with source "${key.source}".`;
      return sendProblem(reply, { status: 403, title: 'Forbidden', detail, errors: [{ path: 'source', message: 'not allowed for this API key' }] });
    }
    if (!typeAllowed(key.scopes, event.type)) {
      req.log.warn({ type: event.type, apiKeyId: key.id }, 'event rejected: type outside the key scopes');
      return sendProblem(reply, { status: 403, title: 'Forbidden', detail: `This API key may not send events of type "${event.type}"; its scopes are: ${key.scopes.join(', ') || '(none)'}.${CONNECTOR_TYPE_PREFIXES.some((p) => event.type.startsWith(p)) ? ' Types that Qiao\'s connectors publish (com.qiao.wecom.*, com.qiao.dingtalk.*, com.qiao.mqtt.*) are never covered by "*" or a broader pattern; a scope must name them.' : ''}`, errors: [{ path: 'type', message: `"${event.type}" is outside this API key's scopes` }] });
    }

    const idempotencyKey = idempotencyHeader.key;
    if (idempotencyKey !== null) {
      const claim = await deps.idempotency.claim({ apiKeyId: key.id, key: idempotencyKey, fingerprint: fingerprint() });
      if (claim.kind === 'mismatch') {
        req.log.warn({ apiKeyId: key.id }, 'event rejected: Idempotency-Key reused with another payload');
        return sendProblem(reply, { status: 422, title: 'Unprocessable Content', detail: `Idempotency-Key "${idempotencyKey}" was already used with a different request; use a new key for a new request.`, errors: [{ path: 'Idempotency-Key', message: 'already used with a different payload' }] });
      }
      if (claim.kind === 'in_flight') {
        await forgetSignature();
        return sendProblem(reply.header('retry-after', '1'), { status: 409, title: 'Conflict', detail: `A request with Idempotency-Key "${idempotencyKey}" is still being processed; retry shortly.`, errors: [{ path: 'Idempotency-Key', message: 'the first request with this key is still in flight' }] });
      }
      if (claim.kind === 'replay') {
        return reply.code(claim.response.status).header('idempotent-replayed', 'true').send(claim.response.body);
      }
    }

    const cert = clientCertificate(req);
    let response: { status: number; body: unknown };
    try {
      const result = await acceptEvent(deps, { event, apiKeyId: key.id });
      if (cert && !result.duplicate) await recordCertificate(deps, req, result.receipt.id, cert);
      response = { status: result.duplicate ? 200 : 202, body: { duplicate: result.duplicate, ...result.receipt } };
    } catch (err) {
      await forgetSignature();
      if (idempotencyKey !== null) await deps.idempotency.release({ apiKeyId: key.id, key: idempotencyKey }).catch((e: unknown) => req.log.error({ err: e }, 'could not release an Idempotency-Key claim'));
      throw err;
    }
    if (idempotencyKey !== null) {
      // The event is committed whatever happens here; a failure only means a retry gets the dedupe receipt instead of a replay.
      await deps.idempotency.complete({ apiKeyId: key.id, key: idempotencyKey, response }).catch((e: unknown) => req.log.error({ err: e }, 'could not store the Idempotency-Key response'));
    }
    return reply.code(response.status).send(response.body);
  });
}

function bearerToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  // RFC 9110: the scheme is case-insensitive and followed by one or more spaces; the token itself has none.
  return /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1] ?? null;
}

/** Counts the request against the key's limit; null (let through, logged) if Redis cannot answer: accepting beats limiting. */
async function countRequest(req: FastifyRequest, deps: GatewayDeps, apiKeyId: string): Promise<RateHit | null> {
  try {
    return await deps.rateLimiter.hit(apiKeyId);
  } catch (err) {
    req.log.warn({ err: String(err) }, 'rate limit skipped: Redis did not answer');
    return null;
  }
}

type SignatureOutcome = { refused: { status: number; message: string } } | { digest: string };

async function checkSignature(deps: GatewayDeps, input: { key: VerifiedKey; header: string | string[] | undefined; body: Buffer; fingerprint: string }): Promise<SignatureOutcome> {
  const refuse = (status: number, message: string): SignatureOutcome => ({ refused: { status, message } });
  if (Array.isArray(input.header)) return refuse(401, 'Send X-Qiao-Signature once.');
  if (!input.key.signingSecret) return refuse(401, 'X-Qiao-Signature was sent but this API key has no signing secret; create one in Settings → API keys.');
  const check = verifySignature({ header: input.header, secret: input.key.signingSecret, body: input.body, nowSeconds: Math.floor(Date.now() / 1000) });
  if (!check.ok) return refuse(401, check.message);
  let fresh: boolean;
  try {
    fresh = await claimSignature(deps.redis, { prefix: deps.redisPrefix, apiKeyId: input.key.id, digest: check.digest, fingerprint: input.fingerprint });
  } catch {
    // Without the replay memory a signed request cannot be proven fresh; refuse rather than risk a replay.
    return refuse(503, 'Signed requests cannot be checked for replays right now; nothing was accepted. Retry later.');
  }
  if (!fresh) return refuse(401, 'X-Qiao-Signature was already used; sign every request anew (a new t), and use Idempotency-Key to retry safely.');
  return { digest: check.digest };
}

async function recordCertificate(deps: GatewayDeps, req: FastifyRequest, eventRowId: string, cert: ClientCertificate): Promise<void> {
  try {
    await deps.prisma.$executeRaw`UPDATE events SET "clientCertSubject" = ${cert.subject}, "clientCertFingerprint" = ${cert.fingerprint} WHERE id = ${eventRowId}::uuid`;
  } catch (err) {
    // The event is committed; losing the certificate note must not turn its acceptance into an error.
    req.log.error({ err, eventRowId }, 'could not record the client certificate of an accepted event');
  }
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
