import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TAMPERS, approvalChange, callbackTargetSchema, deliverEvent, verifyUrl, type CallbackTarget } from '../callbacks';
import type { FaultController } from '../faults';
import { faultUpdateSchema } from '../faults';
import type { SimState } from '../state';
import { parseJsonObject } from './validate';

export interface SimRouteDeps {
  state: SimState;
  faults: FaultController;
  clearLimits(): void;
  callback: { target: CallbackTarget | undefined };
}

const sendSchema = z
  .object({
    /** The event's XML fields; ToUserName, CreateTime and AgentID are filled in when absent. */
    event: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.unknown()),
    agentId: z.number().int().optional(),
    tamper: z.enum(TAMPERS).optional(),
  })
  .strict();

const approvalSchema = z
  .object({
    spNo: z.string().min(1).max(64),
    spName: z.string().default('付款申请'),
    /** 1 审批中, 2 已通过, 3 已驳回, 4 已撤销, 6 通过后撤销, 7 已删除, 10 已支付 */
    spStatus: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4), z.literal(6), z.literal(7), z.literal(10)]).default(2),
    /** 1 提单, 2 同意, 3 驳回, 4 转审, 5 催办, 6 撤销, 8 通过后撤销, 10 添加备注 */
    statuChangeEvent: z.number().int().min(1).max(10).default(2),
    applyer: z.string().default('zhangsan'),
    templateId: z.string().default('3Tka1eD6v6JfzhDMqPd3aMkFdxqtJMc2ZRioeFXk'),
    agentId: z.number().int().optional(),
    tamper: z.enum(TAMPERS).optional(),
  })
  .strict();

/** Control plane for tests and the demo; outside /cgi-bin/ and never faulted. */
export function registerSimRoutes(app: FastifyInstance, deps: SimRouteDeps): void {
  const { state, faults } = deps;
  const body = (raw: unknown) => parseJsonObject(raw) ?? (raw === undefined || raw === '' ? {} : undefined);
  const invalid = (issues: unknown) => ({ error: 'invalid request', issues });

  app.get('/__sim/health', async () => ({ status: 'ok' }));
  app.get('/__sim/corp', async () => state.corp);
  app.get('/__sim/stats', async () => ({ ...state.counters, appMessages: state.appMessages.length, robotMessages: state.robotMessages.length }));

  app.get('/__sim/messages', async (request) => {
    const kind = (request.query as { kind?: string }).kind;
    if (kind === 'app') return state.appMessages;
    if (kind === 'robot') return state.robotMessages;
    return [...state.appMessages, ...state.robotMessages].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  });
  app.delete('/__sim/messages', async () => {
    state.clearMessages();
    return { ok: true };
  });

  app.post('/__sim/tokens/expire', async () => ({ expired: state.expireTokens() }));
  app.post('/__sim/tokens/invalidate', async () => ({ invalidated: state.invalidateTokens() }));

  app.get('/__sim/faults', async () => faults.get());
  app.put('/__sim/faults', async (request, reply) => {
    const parsed = faultUpdateSchema.safeParse(body(request.body));
    if (!parsed.success) return reply.code(400).send(invalid(parsed.error.issues));
    return faults.update(parsed.data);
  });
  app.delete('/__sim/faults', async () => {
    deps.clearLimits();
    return faults.reset();
  });

  app.post('/__sim/reset', async () => {
    state.reset();
    faults.reset();
    deps.clearLimits();
    return { ok: true };
  });

  app.get('/__sim/callback', async () => ({ configured: deps.callback.target !== undefined, url: deps.callback.target?.url ?? null }));
  app.put('/__sim/callback', async (request, reply) => {
    const parsed = callbackTargetSchema.safeParse(body(request.body));
    if (!parsed.success) return reply.code(400).send(invalid(parsed.error.issues));
    deps.callback.target = parsed.data;
    return { configured: true, url: parsed.data.url };
  });

  const target = (reply: { code(n: number): { send(b: unknown): unknown } }) => {
    if (deps.callback.target) return deps.callback.target;
    reply.code(409).send({ error: 'no callback target: PUT /__sim/callback {url, token, encodingAesKey} first' });
    return undefined;
  };
  const defaultAgent = () => state.corp.apps[0]?.agentId ?? 1000002;

  app.post('/__sim/callbacks/verify-url', async (request, reply) => {
    const to = target(reply);
    if (!to) return reply;
    const tamper = (body(request.body) ?? {})['tamper'];
    const parsedTamper = z.enum(TAMPERS).optional().safeParse(tamper);
    if (!parsedTamper.success) return reply.code(400).send(invalid(parsedTamper.error.issues));
    state.counters.callbacksSent += 1;
    return verifyUrl({ target: to, corpId: state.corp.corpId, tamper: parsedTamper.data });
  });

  app.post('/__sim/callbacks/send', async (request, reply) => {
    const parsed = sendSchema.safeParse(body(request.body));
    if (!parsed.success) return reply.code(400).send(invalid(parsed.error.issues));
    const to = target(reply);
    if (!to) return reply;
    const agentId = parsed.data.agentId ?? defaultAgent();
    const fields = { ToUserName: state.corp.corpId, CreateTime: String(Math.floor(Date.now() / 1000)), AgentID: String(agentId), ...parsed.data.event };
    state.counters.callbacksSent += 1;
    return deliverEvent({ target: to, corpId: state.corp.corpId, agentId, fields, tamper: parsed.data.tamper });
  });

  app.post('/__sim/callbacks/approval-change', async (request, reply) => {
    const parsed = approvalSchema.safeParse(body(request.body));
    if (!parsed.success) return reply.code(400).send(invalid(parsed.error.issues));
    const to = target(reply);
    if (!to) return reply;
    const agentId = parsed.data.agentId ?? defaultAgent();
    const fields = approvalChange({ ...parsed.data, corpId: state.corp.corpId, agentId });
    state.counters.callbacksSent += 1;
    return deliverEvent({ target: to, corpId: state.corp.corpId, agentId, fields, tamper: parsed.data.tamper });
  });
}
