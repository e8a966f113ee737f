import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Per key (KEYS) a sorted set of attempt times: drop those older than the window; if any key holds its
 * limit already (ARGV[3 + i]), answer how long until its oldest counted attempt leaves the window and
 * record nothing; otherwise record this attempt (ARGV[2]) under every key. Redis's clock, so every
 * server process and host agrees on the window.
 */
const BEGIN = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local limit = tonumber(ARGV[2 + i])
  local count = redis.call('ZCARD', key)
  if count >= limit then
    local oldest = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
    wait = math.max(wait, tonumber(oldest[2]) + window - now, 1)
  end
end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[2])
  redis.call('PEXPIRE', key, window)
end
return 0`;

export interface LoginThrottleOptions {
  /** Shared by every server process and host, so together they allow no more guesses than one would. */
  redis: Redis;
  /** Redis key prefix (QUEUE_PREFIX). */
  prefix: string;
  /** Failed logins allowed per user name within the window: few. */
  maxPerUser?: number;
  /** Failed logins allowed per client address within the window: more, since a whole office may share one NAT address. */
  maxPerAddress?: number;
  windowMs?: number;
  /** Told when Redis does not answer; the throttle then counts in this process until it does again. */
  onRedisError?: (err: unknown) => void;
}

export interface LoginAttempt {
  username: string;
  ip: string | null;
}

export type LoginAdmission =
  | { allowed: true; succeeded(): Promise<void> }
  | { allowed: false; retryAfterMs: number };

/**
 * Slows password guessing: after `maxPerUser` failed logins for one user name, or `maxPerAddress` from
 * one address, within `windowMs`, further attempts are refused until the oldest leaves the window.
 *
 * An attempt counts as failed from the moment it is admitted, atomically with the check, and is taken
 * back only when it succeeds: parallel guesses (across any number of processes) cannot all pass the
 * check before the first failure is recorded.
 */
export class LoginThrottle {
  /** Used only while Redis does not answer: this process's own failures, so logins keep working but stay throttled. */
  private readonly local = new Map<string, { id: string; at: number }[]>();
  private readonly maxPerUser: number;
  private readonly maxPerAddress: number;
  private readonly windowMs: number;
  constructor(private readonly options: LoginThrottleOptions) {
    this.maxPerUser = options.maxPerUser ?? 5;
    this.maxPerAddress = options.maxPerAddress ?? 50;
    this.windowMs = options.windowMs ?? 5 * 60_000;
  }

  async admit(attempt: LoginAttempt): Promise<LoginAdmission> {
    const userKey = `${this.options.prefix}:auth:login-failures:user:${attempt.username.toLowerCase()}`;
    const addressKey = `${this.options.prefix}:auth:login-failures:ip:${attempt.ip ?? '?'}`;
    const id = randomUUID();
    let wait: number;
    try {
      wait = Number(await this.options.redis.eval(BEGIN, 2, userKey, addressKey, String(this.windowMs), id, String(this.maxPerUser), String(this.maxPerAddress)));
    } catch (err) {
      this.options.onRedisError?.(err);
      return this.admitLocally(userKey, addressKey, id);
    }
    if (wait > 0) return { allowed: false, retryAfterMs: wait };
    return {
      allowed: true,
      // A good password clears the user name's failures; the address keeps its earlier ones (it may be guessing other names).
      succeeded: async () => {
        await this.options.redis.multi().del(userKey).zrem(addressKey, id).exec();
      },
    };
  }

  /** The same rule, counted in this process alone (an attempt counts as failed from admission on). */
  private admitLocally(userKey: string, addressKey: string, id: string): LoginAdmission {
    const now = Date.now();
    const recent = (key: string) => {
      const kept = (this.local.get(key) ?? []).filter((f) => f.at > now - this.windowMs);
      this.local.set(key, kept);
      return kept;
    };
    const user = recent(userKey);
    const address = recent(addressKey);
    const over = [user.length >= this.maxPerUser ? user : null, address.length >= this.maxPerAddress ? address : null].filter((l) => l !== null);
    if (over.length > 0) return { allowed: false, retryAfterMs: Math.max(...over.map((l) => (l[0]?.at ?? now) + this.windowMs - now), 1) };
    user.push({ id, at: now });
    address.push({ id, at: now });
    if (this.local.size > 10_000) this.local.clear();
    return {
      allowed: true,
      succeeded: async () => {
        this.local.delete(userKey);
        this.local.set(addressKey, (this.local.get(addressKey) ?? []).filter((f) => f.id !== id));
      },
    };
  }
}
