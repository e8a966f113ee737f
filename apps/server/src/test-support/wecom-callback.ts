import { randomBytes } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { buildWecomCallback, buildWecomUrlVerification, toWecomXml, wecomAuthSchema, type WecomCallbackSecrets } from '@qiao/connectors';
import type { PrismaClient } from '@qiao/db';
import type { SecretBox } from '@qiao/runtime';

// Helpers for tests and the fuzz harness: a WeCom connection with callback settings, and valid
// signed + encrypted callback requests for it (change one field to forge one).

export interface WecomCallbackFixture {
  connectionId: string;
  path: string;
  secrets: WecomCallbackSecrets;
  agentId: number;
}

/** Creates a WeCom connection whose sealed credentials hold random callback secrets. */
export async function createWecomCallbackConnection(prisma: PrismaClient, box: SecretBox, name = `wecom-${randomBytes(4).toString('hex')}`): Promise<WecomCallbackFixture> {
  const secrets = { token: randomBytes(12).toString('hex'), encodingAesKey: randomBytes(40).toString('base64').replace(/[^A-Za-z0-9]/g, '').padEnd(43, 'a').slice(0, 43), corpId: `ww${randomBytes(8).toString('hex')}` };
  const agentId = 1000002;
  const credentials = wecomAuthSchema.parse({ corpId: secrets.corpId, agentId, corpSecret: 'unused', callbackToken: secrets.token, encodingAesKey: secrets.encodingAesKey });
  const row = await prisma.connection.create({ data: { name, connectorId: 'wecom', secret: box.sealJson(credentials) }, select: { id: true } });
  return { connectionId: row.id, path: `/api/callbacks/wecom/${row.id}`, secrets, agentId };
}

/** An approval event message as WeCom writes it; `fields` are merged in at the top level. */
export function wecomApprovalMessage(fixture: WecomCallbackFixture, spNo: string, fields: Record<string, unknown> = {}): string {
  return toWecomXml({
    ToUserName: fixture.secrets.corpId, FromUserName: 'sys', CreateTime: String(Math.floor(Date.now() / 1000)), MsgType: 'event', Event: 'sys_approval_change',
    AgentID: String(fixture.agentId), ApprovalInfo: { SpNo: spNo, SpStatus: '2', StatuChangeEvent: '2' }, ...fields,
  });
}

/** A valid encrypted event POST for app.inject (or fetch: method, url, headers, payload). */
export function wecomCallbackRequest(fixture: WecomCallbackFixture, message: string, options: { timestamp?: string; nonce?: string } = {}): InjectOptions & { url: string; payload: string } {
  const signed = buildWecomCallback({ ...fixture.secrets, agentId: fixture.agentId, message, ...options });
  return { method: 'POST', url: `${fixture.path}?${new URLSearchParams(signed.query).toString()}`, headers: { 'content-type': 'text/xml' }, payload: signed.body };
}

/** A valid URL-verification GET; the right answer is `echo`. */
export function wecomUrlVerificationRequest(fixture: WecomCallbackFixture, echo: string): InjectOptions & { url: string } {
  const { query } = buildWecomUrlVerification({ ...fixture.secrets, echo });
  return { method: 'GET', url: `${fixture.path}?${new URLSearchParams(query).toString()}` };
}
