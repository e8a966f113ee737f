import { randomBytes } from 'node:crypto';

export interface RobotConfig {
  accessToken: string;
  /** 加签 secret; absent when the robot does not sign. */
  secret?: string;
  keywords?: string[];
}

export interface AppConfig {
  appKey: string;
  appSecret: string;
  agentId: number;
  /** Known user ids; others come back as invalid in getsendresult. */
  users: string[];
  /** Users who receive nothing (e.g. over their daily limit); reported as forbidden. */
  forbiddenUsers?: string[];
}

export type FaultTarget = 'robot' | 'gettoken' | 'asyncsend' | 'getsendresult';

export interface Fault {
  target: FaultTarget;
  /** `errcode`: answer 200 with this errcode; `http`: answer this status; `hang`: never answer; `delay`: answer normally after delayMs. */
  kind: 'errcode' | 'http' | 'hang' | 'delay';
  errcode?: number;
  errmsg?: string;
  status?: number;
  delayMs?: number;
  /** How many requests it applies to; then it is removed. */
  times: number;
}

export interface RobotMessageRecord {
  accessToken: string;
  receivedAt: number;
  body: unknown;
}

export interface NoticeRecord {
  taskId: number;
  agentId: number;
  receivedAt: number;
  body: Record<string, unknown>;
  recipients: string[];
  invalid: string[];
  forbidden: string[];
}

export interface TokenRecord {
  appKey: string;
  expiresAt: number;
}

export interface SimLimits {
  /** Robot messages allowed per window (DingTalk: 20 per minute). */
  robotPerWindow: number;
  robotWindowMs: number;
  /** How long a robot stays throttled after a breach (DingTalk: 10 minutes). */
  robotThrottleMs: number;
  /** How far the robot timestamp may be from the server clock (DingTalk: 1 hour). */
  timestampWindowMs: number;
  tokenTtlSeconds: number;
}

export class SimState {
  robots = new Map<string, RobotConfig>();
  apps = new Map<string, AppConfig>();
  tokens = new Map<string, TokenRecord>();
  robotMessages: RobotMessageRecord[] = [];
  /** Every robot/send the sim refused, with the errcode, for tests that prove none was refused. */
  robotRejections: { accessToken: string; errcode: number; at: number }[] = [];
  notices: NoticeRecord[] = [];
  faults: Fault[] = [];
  /** Accepted sends per robot (timestamps), for the per-window limit. */
  robotSends = new Map<string, number[]>();
  throttledUntil = new Map<string, number>();
  callCounts: Record<string, number> = {};
  private nextTaskId = 100_000;

  constructor(readonly limits: SimLimits) {}

  issueToken(appKey: string, now: number): { token: string; expiresIn: number } {
    // Within validity, gettoken returns the same token (and DingTalk renews it).
    for (const [token, record] of this.tokens) {
      if (record.appKey === appKey && record.expiresAt > now) {
        record.expiresAt = now + this.limits.tokenTtlSeconds * 1000;
        return { token, expiresIn: this.limits.tokenTtlSeconds };
      }
    }
    const token = randomBytes(16).toString('hex');
    this.tokens.set(token, { appKey, expiresAt: now + this.limits.tokenTtlSeconds * 1000 });
    return { token, expiresIn: this.limits.tokenTtlSeconds };
  }

  taskId(): number {
    this.nextTaskId += 1;
    return this.nextTaskId;
  }

  takeFault(target: FaultTarget): Fault | undefined {
    const index = this.faults.findIndex((f) => f.target === target);
    const fault = this.faults[index];
    if (!fault) return undefined;
    fault.times -= 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  reset(): void {
    this.tokens.clear();
    this.robotMessages = [];
    this.robotRejections = [];
    this.notices = [];
    this.faults = [];
    this.robotSends.clear();
    this.throttledUntil.clear();
    this.callCounts = {};
  }
}
