import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  openWecomEventPost,
  openWecomUrlVerification,
  toWecomCloudEvent,
  wecomAuthSchema,
  WECOM_CALLBACK_MAX_BYTES,
  type WecomCallbackFailure,
  type WecomCallbackSecrets,
} from '@qiao/connectors';
import { acceptEvent, cloudEventSchema, ConnectionResolver, type AcceptDeps, type CloudEvent, type SecretBox } from '@qiao/runtime';
import { findProtoKey } from '../gateway/parse-cloud-event';
import { sendProblem } from '../problem';

export interface WecomCallbackDeps extends AcceptDeps {
  box: SecretBox;
}

const PATH = '/api/callbacks/wecom/:connectionId';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Signature and freshness failures are 401; anything else that cannot be opened is 400. */
const UNAUTHORISED: ReadonlySet<WecomCallbackFailure> = new Set(['bad_signature', 'stale_timestamp']);

interface Target {
  connectionId: string;
  secrets: WecomCallbackSecrets;
  agentId: number | undefined;
}

/**
 * WeCom callbacks for one connection (its callback Token, EncodingAESKey and corp id are in the
 * connection's sealed credentials):
 * - GET: URL verification, answered with the decrypted echostr as plain text (WeCom allows 1 s);
 * - POST: an encrypted event, verified, decrypted, turned into a CloudEvent and committed through
 *   acceptEvent (WeCom allows 5 s; only the commit happens here, the runs go to the queue).
 * Anything that cannot be verified gets a problem answer that says nothing about why (the log
 * does), and writes nothing.
 */
export async function wecomCallbackRoutes(app: FastifyInstance, deps: WecomCallbackDeps): Promise<void> {
  const resolver = new ConnectionResolver(deps.prisma, deps.box);
  // "Last used" is for people: once a minute per connection is enough, and keeps a burst of callbacks to one write each
  // (per server process: with SERVER_PROCESSES=N, up to N writes a minute, which is still few).
  const lastRecorded = new Map<string, number>();
  const recordUse = (req: FastifyRequest, connectionId: string) => {
    const now = Date.now();
    if ((lastRecorded.get(connectionId) ?? 0) > now - 60_000) return;
    lastRecorded.set(connectionId, now);
    void resolver.recordUse(connectionId, null).catch((err: unknown) => req.log.warn({ err }, 'could not record the connection use'));
  };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WECOM_CALLBACK_MAX_BYTES }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: { statusCode?: number; code?: string; message: string }, req, reply) => {
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      req.log.warn({ code: err.code, msg: err.message, ip: req.ip }, 'wecom callback rejected');
      return sendProblem(reply, { status: err.statusCode, title: err.statusCode === 413 ? 'Payload Too Large' : 'Bad Request', detail: 'The callback was not accepted.' });
    }
    req.log.error({ err }, 'wecom callback failure');
    // WeCom retries a callback that did not get 200; the event was not stored.
    return sendProblem(reply, { status: 503, title: 'Service Unavailable', detail: 'The callback could not be stored. It will be retried.' });
  });

  const targetOf = async (req: FastifyRequest): Promise<Target | undefined> => {
    const { connectionId } = req.params as { connectionId: string };
    if (!UUID.test(connectionId)) return undefined;
    const resolved = await resolver.resolve(connectionId);
    if (!resolved || resolved.connectorId !== 'wecom') return undefined;
    const parsed = wecomAuthSchema.safeParse(resolved.credentials);
    if (!parsed.success) return undefined;
    const { callbackToken, encodingAesKey, corpId, agentId } = parsed.data;
    if (!callbackToken || !encodingAesKey || !corpId) return undefined;
    return { connectionId, secrets: { token: callbackToken, encodingAesKey, corpId }, agentId };
  };

  const notFound = (req: FastifyRequest, reply: FastifyReply) => {
    req.log.warn({ url: req.routeOptions.url, ip: req.ip }, 'wecom callback for an unknown connection, or one without callback settings');
    return sendProblem(reply, { status: 404, title: 'Not Found', detail: 'No WeCom callback is configured here.' });
  };

  const refuse = (req: FastifyRequest, reply: FastifyReply, args: { connectionId: string; reason: WecomCallbackFailure; message: string; ciphertext: 'Encrypt' | 'echostr' }) => {
    req.log.warn({ connectionId: args.connectionId, reason: args.reason, msg: args.message, ip: req.ip }, 'wecom callback rejected');
    const status = UNAUTHORISED.has(args.reason) ? 401 : 400;
    // The field, not the reason: enough to find a misconfiguration, nothing more for someone probing.
    const path = fieldOf(args.reason, args.message, args.ciphertext);
    return sendProblem(reply, { status, title: status === 401 ? 'Unauthorized' : 'Bad Request', detail: 'The callback could not be verified; nothing was accepted.', errors: [{ path, message: 'could not be verified' }] });
  };

  app.get(PATH, async (req, reply) => {
    const target = await targetOf(req);
    if (!target) return notFound(req, reply);
    const opened = openWecomUrlVerification(target.secrets, req.query as Record<string, unknown>);
    if (!opened.ok) return refuse(req, reply, { connectionId: target.connectionId, ...opened, ciphertext: 'echostr' });
    req.log.info({ connectionId: target.connectionId }, 'wecom callback URL verified');
    // Exactly the plaintext: no quotes, no BOM, no newline.
    return reply.code(200).type('text/plain; charset=utf-8').send(opened.value);
  });

  app.post(PATH, async (req, reply) => {
    const target = await targetOf(req);
    if (!target) return notFound(req, reply);
    const body = typeof req.body === 'string' ? req.body : '';
    const opened = openWecomEventPost(target.secrets, req.query as Record<string, unknown>, body);
    if (!opened.ok) return refuse(req, reply, { connectionId: target.connectionId, ...opened, ciphertext: 'Encrypt' });
    // As at the event gateway: zod would make such a key the prototype of its output.
    const poisoned = findProtoKey(opened.value);
    if (poisoned) {
      req.log.warn({ connectionId: target.connectionId, at: poisoned }, 'wecom callback rejected: a "__proto__" element');
      return sendProblem(reply, { status: 400, title: 'Bad Request', detail: 'The callback holds no usable event; nothing was accepted.' });
    }
    const event = toWecomCloudEvent(opened.value, { corpId: target.secrets.corpId, agentId: target.agentId });
    const checked = event ? cloudEventSchema.safeParse(event) : undefined;
    if (!checked?.success) {
      req.log.warn({ connectionId: target.connectionId, issues: checked?.error.issues.slice(0, 3) }, 'wecom callback rejected: not a usable event');
      return sendProblem(reply, { status: 400, title: 'Bad Request', detail: 'The callback holds no usable event; nothing was accepted.' });
    }
    const result = await acceptEvent(deps, { event: checked.data as CloudEvent });
    req.log.info({ connectionId: target.connectionId, type: checked.data.type, eventId: checked.data.id, duplicate: result.duplicate, runs: result.receipt.runs.length }, 'wecom callback accepted');
    recordUse(req, target.connectionId);
    // WeCom wants HTTP 200 within 5 s; an empty body means "no passive reply". A repeat is 200 too, so WeCom stops retrying.
    return reply.code(200).type('text/plain; charset=utf-8').send('');
  });
}

const QUERY_PARAMETERS = ['msg_signature', 'timestamp', 'nonce', 'echostr'] as const;

function fieldOf(reason: WecomCallbackFailure, message: string, ciphertext: 'Encrypt' | 'echostr'): string {
  switch (reason) {
    case 'missing_parameter':
      return QUERY_PARAMETERS.find((name) => message.startsWith(name)) ?? '(query)';
    case 'bad_signature':
      return 'msg_signature';
    case 'stale_timestamp':
      return 'timestamp';
    case 'bad_body':
    case 'bad_xml':
      return '(body)';
    default:
      return ciphertext;
  }
}
