import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ActionContext, ConnectionContext } from '../kit/context';
import { ENCODING_AES_KEY } from './crypto';

export const DEFAULT_BASE_URL = 'https://qyapi.weixin.qq.com';

/**
 * One connection = one self-built app (corp id, agent id, secret) and/or one group robot (webhook
 * key), plus the app's callback settings. Pointing at another host (a proxy, the simulator) is
 * only a change of `baseUrl`.
 */
export const wecomAuthSchema = z
  .object({
    baseUrl: z.url({ protocol: /^https?$/ }).default(DEFAULT_BASE_URL),
    corpId: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a corp id is letters, digits, "_" or "-"').optional(),
    agentId: z.int().min(1).optional(),
    corpSecret: z.string().min(1).optional(),
    robotKey: z.string().min(1).optional(),
    callbackToken: z.string().regex(/^[A-Za-z0-9]{1,32}$/, 'the callback Token is 1-32 letters or digits').optional(),
    encodingAesKey: z.string().regex(ENCODING_AES_KEY, 'the EncodingAESKey is 43 letters or digits').optional(),
    timeoutMs: z.int().min(100).max(120_000).default(10_000),
  })
  .superRefine((auth, issues) => {
    const app = { corpId: auth.corpId, agentId: auth.agentId, corpSecret: auth.corpSecret };
    const given = Object.entries(app).filter(([, v]) => v !== undefined);
    if (given.length > 0 && given.length < 3) {
      for (const [field, value] of Object.entries(app)) {
        if (value === undefined) issues.addIssue({ code: 'custom', path: [field], message: `${field} is required for app messages (corpId, agentId and corpSecret go together)` });
      }
    }
    if (given.length === 0 && auth.robotKey === undefined) {
      issues.addIssue({ code: 'custom', path: ['robotKey'], message: 'give a robot webhook key, or an app (corpId, agentId, corpSecret)' });
    }
    if ((auth.callbackToken === undefined) !== (auth.encodingAesKey === undefined)) {
      const missing = auth.callbackToken === undefined ? 'callbackToken' : 'encodingAesKey';
      issues.addIssue({ code: 'custom', path: [missing], message: 'callbackToken and encodingAesKey go together' });
    }
    if (auth.callbackToken !== undefined && auth.corpId === undefined) {
      issues.addIssue({ code: 'custom', path: ['corpId'], message: 'callbacks need the corpId (it is checked in every callback)' });
    }
    if (auth.robotKey !== undefined && robotKeyOf(auth.robotKey) === undefined) {
      issues.addIssue({ code: 'custom', path: ['robotKey'], message: 'not a webhook key or a webhook URL with ?key=' });
    }
  });

export type WecomCredentials = z.output<typeof wecomAuthSchema>;
export type WecomContext = ActionContext<WecomCredentials>;
export type WecomConnectionContext = ConnectionContext<WecomCredentials>;

/** The app part of the credentials, when complete. */
export interface WecomApp {
  corpId: string;
  agentId: number;
  corpSecret: string;
}

export function appOf(credentials: WecomCredentials): WecomApp | undefined {
  const { corpId, agentId, corpSecret } = credentials;
  return corpId !== undefined && agentId !== undefined && corpSecret !== undefined ? { corpId, agentId, corpSecret } : undefined;
}

/** People paste either the key or the whole webhook URL (…/cgi-bin/webhook/send?key=…). */
export function robotKeyOf(value: string): string | undefined {
  const trimmed = value.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    try {
      const key = new URL(trimmed).searchParams.get('key');
      return key && /^[A-Za-z0-9-]{1,128}$/.test(key) ? key : undefined;
    } catch {
      return undefined;
    }
  }
  return /^[A-Za-z0-9-]{1,128}$/.test(trimmed) ? trimmed : undefined;
}

export function apiUrl(credentials: WecomCredentials, path: string): string {
  return `${credentials.baseUrl.replace(/\/+$/, '')}/cgi-bin/${path}`;
}

/**
 * Tokens are per app: keyed by host, corp id and secret (hashed), so every connection using the
 * same app shares one token, and a changed secret never reuses an old one.
 */
export function tokenKey(credentials: WecomCredentials, app: WecomApp): string {
  const identity = JSON.stringify([credentials.baseUrl.replace(/\/+$/, ''), app.corpId, app.agentId, app.corpSecret]);
  return `wecom:token:${createHash('sha256').update(identity).digest('hex')}`;
}
