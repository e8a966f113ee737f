import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CallStats } from '../call-stats';
import { MsgCode, failure, nestedForQuery, sessionLost } from '../envelope';
import type { FaultController } from '../faults';
import { sessionCandidates } from '../session';
import type { ServiceOutcome, SimContext } from '../services/context';
import { findService, shortName } from '../services/registry';
import { parseBody } from '../services/request';

const SUFFIX = '.common.kdsvc';

// What IIS answers when the application pool is down: the shape clients see on a real 503.
const UNAVAILABLE_HTML =
  '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n' +
  '<HTML><HEAD><TITLE>Service Unavailable</TITLE>\r\n<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n' +
  '<BODY><h2>Service Unavailable</h2>\r\n<hr><p>HTTP Error 503. The service is unavailable.</p>\r\n</BODY></HTML>\r\n';

export interface K3RouteDeps {
  ctx: SimContext;
  faults: FaultController;
  stats: CallStats;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function send(reply: FastifyReply, outcome: ServiceOutcome): void {
  if (outcome.setCookies) reply.header('set-cookie', outcome.setCookies);
  reply.code(200).type('application/json; charset=utf-8').send(JSON.stringify(outcome.body));
}

/** Leaves the request unanswered; the socket stays open until the client gives up (or the server closes). */
function hang(reply: FastifyReply): void {
  reply.hijack();
}

/** The operation has committed; now the connection dies without a response, as after a network cut. */
function drop(request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  request.raw.socket.destroy();
}

export function registerK3Routes(app: FastifyInstance, deps: K3RouteDeps): void {
  const { ctx, faults, stats } = deps;
  app.post('/k3cloud/*', async (request, reply) => {
    const path = (request.params as { '*'?: string })['*'] ?? '';
    if (!path.toLowerCase().endsWith(SUFFIX)) return reply.code(404).type('text/plain').send('Not Found');
    const serviceName = path.slice(0, -SUFFIX.length);
    const def = findService(serviceName);
    stats.record(def?.name ?? shortName(serviceName));
    const plan = faults.plan(def?.kind === 'write');
    if (plan.latencyMs > 0) await sleep(plan.latencyMs);
    if (plan.respond503) return reply.code(503).type('text/html').send(UNAVAILABLE_HTML);
    if (plan.hang) return hang(reply);
    if (!def) return send(reply, { body: failure(MsgCode.Exception, `服务“${serviceName}”不存在或未实现`) });

    const sessionIds = sessionCandidates(request.headers);
    const session = def.needsSession || def.name === 'LogOut' ? ctx.sessions.touch(sessionIds) : undefined;
    if (def.needsSession && !session) {
      const lost = sessionLost();
      return send(reply, { body: def.nestedErrors ? nestedForQuery(lost) : lost });
    }
    const parsed = parseBody(typeof request.body === 'string' ? request.body : undefined);
    if (!parsed.ok) {
      const bad = failure(MsgCode.BadParameter, '请求内容不是有效的 JSON');
      return send(reply, { body: def.nestedErrors ? nestedForQuery(bad) : bad });
    }
    const outcome = await def.handle(ctx, { body: parsed.value, session, sessionIds });
    if (def.kind === 'read') stats.recordRead();
    if (def.kind === 'write') stats.recordWrite(def.name, outcome.formId ?? '(unknown)');
    if (plan.dropAfterCommit) {
      faults.counters.dropped++;
      return drop(request, reply);
    }
    return send(reply, outcome);
  });
}
