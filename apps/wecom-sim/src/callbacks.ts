import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { encrypt, sign } from './crypto';

/** Where the simulator delivers callbacks: the Qiao callback URL and the app's callback secrets. */
export const callbackTargetSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    token: z.string().regex(/^[A-Za-z0-9]{1,32}$/),
    encodingAesKey: z.string().regex(/^[A-Za-z0-9]{43}$/),
  })
  .strict();
export type CallbackTarget = z.infer<typeof callbackTargetSchema>;

/** Ways to forge a callback, to show that the receiver refuses it. */
export const TAMPERS = ['signature', 'receiveid', 'timestamp', 'padding'] as const;
export type Tamper = (typeof TAMPERS)[number];

export interface Delivery {
  status: number;
  body: string;
  /** The plaintext XML that was encrypted. */
  message: string;
}

function cdata(value: string): string {
  return `<![CDATA[${value.split(']]>').join(']]]]><![CDATA[>')}]]>`;
}

/** WeCom's XML: every scalar in CDATA, objects as nested elements, arrays as repeated elements. */
export function toXml(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((item) => toXml(name, item)).join('');
  if (value !== null && typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => toXml(k, v)).join('')}</${name}>`;
  return `<${name}>${cdata(String(value))}</${name}>`;
}

/** POSTs one encrypted event to the target, as WeCom does (and as WeCom, waits at most 5 s). */
export async function deliverEvent(args: { target: CallbackTarget; corpId: string; agentId: number; fields: Record<string, unknown>; tamper?: Tamper | undefined }): Promise<Delivery> {
  const { target, corpId, agentId, tamper } = args;
  const message = toXml('xml', args.fields);
  const encrypted = encrypt(target.encodingAesKey, message, tamper === 'receiveid' ? 'wwsomeoneelse0000' : corpId, { badPadding: tamper === 'padding' });
  const timestamp = String(Math.floor(Date.now() / 1000) - (tamper === 'timestamp' ? 3600 : 0));
  const nonce = randomBytes(6).toString('hex');
  let signature = sign(target.token, timestamp, nonce, encrypted);
  if (tamper === 'signature') signature = sign(`${target.token}x`, timestamp, nonce, encrypted);
  const url = new URL(target.url);
  url.searchParams.set('msg_signature', signature);
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  const body = `<xml>${toXml('ToUserName', corpId)}${toXml('AgentID', String(agentId))}${toXml('Encrypt', encrypted)}</xml>`;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8' }, body, signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: await response.text(), message };
}

/** The GET WeCom sends when an admin saves the callback URL; the answer must be the plaintext echo. */
export async function verifyUrl(args: { target: CallbackTarget; corpId: string; tamper?: Tamper | undefined }): Promise<Delivery & { echo: string; matches: boolean }> {
  const { target, corpId, tamper } = args;
  const echo = String(randomBytes(8).readBigUInt64BE());
  const echostr = encrypt(target.encodingAesKey, echo, tamper === 'receiveid' ? 'wwsomeoneelse0000' : corpId, { badPadding: tamper === 'padding' });
  const timestamp = String(Math.floor(Date.now() / 1000) - (tamper === 'timestamp' ? 3600 : 0));
  const nonce = randomBytes(6).toString('hex');
  const signature = sign(tamper === 'signature' ? `${target.token}x` : target.token, timestamp, nonce, echostr);
  const url = new URL(target.url);
  for (const [k, v] of Object.entries({ msg_signature: signature, timestamp, nonce, echostr })) url.searchParams.set(k, v);
  // WeCom allows 1 s for this answer.
  const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
  const body = await response.text();
  return { status: response.status, body, message: echo, echo, matches: response.status === 200 && body === echo };
}

/** A sys_approval_change event as WeCom's approval app sends it (fields per WeCom's docs). */
export function approvalChange(args: { corpId: string; agentId: number; spNo: string; spName: string; spStatus: number; statuChangeEvent: number; applyer: string; templateId: string }): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    ToUserName: args.corpId,
    FromUserName: 'sys',
    CreateTime: String(now),
    MsgType: 'event',
    Event: 'sys_approval_change',
    AgentID: String(args.agentId),
    ApprovalInfo: {
      SpNo: args.spNo,
      SpName: args.spName,
      SpStatus: String(args.spStatus),
      TemplateId: args.templateId,
      ApplyTime: String(now - 600),
      Applyer: { UserId: args.applyer, Party: '1' },
      SpRecord: { SpStatus: String(args.spStatus === 1 ? 1 : args.spStatus), ApproverAttr: '1', Details: { Approver: { UserId: 'caiwu01' }, Speech: '', SpStatus: String(args.spStatus), SpTime: String(now), MediaId: '' } },
      StatuChangeEvent: String(args.statuChangeEvent),
    },
  };
}
