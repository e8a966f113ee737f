import type { Redis } from 'ioredis';

// Fixed one-minute window per key: INCR, set the expiry on the first hit, answer count and time left.
const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}`;

const WINDOW_MS = 60_000;

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** One counted request: the count in the current window and the time the window has left. */
export interface RateHit {
  count: number;
  ttlMs: number;
}

type WithRateCommand = Redis & { qiaoGatewayRateHit(key: string, windowMs: string): Promise<[number, number]> };

/** Requests per minute per API key, counted in Redis so every server instance shares the budget. */
export class GatewayRateLimiter {
  private readonly redis: WithRateCommand;

  constructor(redis: Redis, private readonly prefix: string) {
    // A defined command goes out as EVALSHA: the script is not sent (nor hashed by Redis) on every request.
    redis.defineCommand('qiaoGatewayRateHit', { numberOfKeys: 1, lua: SCRIPT });
    this.redis = redis as WithRateCommand;
  }

  /** Counts a request against the key's window. */
  async hit(apiKeyId: string): Promise<RateHit> {
    const [count, ttlMs] = await this.redis.qiaoGatewayRateHit(`${this.prefix}:gw:rate:${apiKeyId}`, String(WINDOW_MS));
    return { count, ttlMs };
  }

  async take(apiKeyId: string, perMinute: number): Promise<RateDecision> {
    return decide(await this.hit(apiKeyId), perMinute);
  }
}

export function decide(hit: RateHit, perMinute: number): RateDecision {
  if (hit.count <= perMinute) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(hit.ttlMs / 1000)) };
}
