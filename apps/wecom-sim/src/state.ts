import { createHash, randomBytes } from 'node:crypto';
import type { SimApp, SimCorp } from './seed';

export interface TokenRecord {
  token: string;
  agentId: number;
  expiresAt: number;
}

/** An app message as received, with what the simulator did with it. */
export interface AppMessageRecord {
  kind: 'app';
  msgid: string;
  agentId: number;
  receivedAt: string;
  body: Record<string, unknown>;
  /** Users it reached (after invalid ones and per-member overflow were removed). */
  deliveredTo: string[];
  /** Over the per-member limit: WeCom drops these silently (errcode 0). */
  droppedFor: string[];
  invaliduser: string[];
  invalidparty: string[];
  invalidtag: string[];
  /** Identical to a message within duplicate_check_interval: accepted, not delivered again. */
  duplicateOf?: string;
}

export interface RobotMessageRecord {
  kind: 'robot';
  key: string;
  receivedAt: string;
  body: Record<string, unknown>;
}

export interface SimCounters {
  gettoken: number;
  tokensIssued: number;
  messageSend: number;
  robotSend: number;
  rateLimited: number;
  injected: number;
  callbacksSent: number;
}

function zeroCounters(): SimCounters {
  return { gettoken: 0, tokensIssued: 0, messageSend: 0, robotSend: 0, rateLimited: 0, injected: 0, callbacksSent: 0 };
}

export class SimState {
  private readonly tokens = new Map<string, TokenRecord>();
  /** Duplicate check: content hash → first msgid and when it was sent. */
  private readonly recent = new Map<string, { msgid: string; at: number }>();
  private nextMsgId = 1;
  appMessages: AppMessageRecord[] = [];
  robotMessages: RobotMessageRecord[] = [];
  counters = zeroCounters();

  constructor(readonly corp: SimCorp) {}

  appBySecret(secret: string): SimApp | undefined {
    return this.corp.apps.find((a) => a.secret === secret);
  }

  app(agentId: number): SimApp | undefined {
    return this.corp.apps.find((a) => a.agentId === agentId);
  }

  /** Within its lifetime, gettoken returns the same token (as WeCom does); after it, a new one. */
  issueToken(app: SimApp, ttlSeconds: number, now = Date.now()): TokenRecord {
    for (const record of this.tokens.values()) {
      if (record.agentId === app.agentId && record.expiresAt > now) return record;
    }
    // Real tokens are long opaque strings; clients must reserve 512 bytes.
    const record = { token: randomBytes(96).toString('base64url'), agentId: app.agentId, expiresAt: now + ttlSeconds * 1000 };
    this.tokens.set(record.token, record);
    this.counters.tokensIssued += 1;
    return record;
  }

  /** undefined: unknown (40014); 'expired' (42001); or the token's record. */
  lookupToken(token: string, now = Date.now()): TokenRecord | 'expired' | undefined {
    const record = this.tokens.get(token);
    if (!record) return undefined;
    return record.expiresAt <= now ? 'expired' : record;
  }

  /** Every token is past its lifetime: the next call with one gets 42001. */
  expireTokens(): number {
    const now = Date.now();
    for (const record of this.tokens.values()) record.expiresAt = Math.min(record.expiresAt, now);
    return this.tokens.size;
  }

  /** Every token is forgotten: the next call with one gets 40014 (as after a secret reset). */
  invalidateTokens(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }

  newMsgId(): string {
    const id = `sim_msg_${String(this.nextMsgId).padStart(8, '0')}_${randomBytes(6).toString('hex')}`;
    this.nextMsgId += 1;
    return id;
  }

  /**
   * WeCom's duplicate check: the same app, type, content and recipients within the interval.
   * Returns the earlier msgid when this one is a repeat; otherwise remembers it.
   */
  duplicateOf(body: Record<string, unknown>, args: { agentId: number; intervalSeconds: number; msgid: string; now?: number }): string | undefined {
    const now = args.now ?? Date.now();
    const { enable_duplicate_check: _enable, duplicate_check_interval: _interval, ...content } = body;
    const key = createHash('sha256').update(JSON.stringify([args.agentId, stableJson(content)])).digest('hex');
    const earlier = this.recent.get(key);
    if (earlier && earlier.at > now - args.intervalSeconds * 1000) return earlier.msgid;
    this.recent.set(key, { msgid: args.msgid, at: now });
    return undefined;
  }

  clearMessages(): void {
    this.appMessages = [];
    this.robotMessages = [];
    this.recent.clear();
  }

  reset(): void {
    this.clearMessages();
    this.tokens.clear();
    this.counters = zeroCounters();
  }
}

/** JSON with sorted keys, so key order does not make two equal messages differ. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
