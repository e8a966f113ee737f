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

/** Requests per minute per API key, counted in Redis so every server instance shares the budget. */
export class GatewayRateLimiter {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async take(apiKeyId: string, perMinute: number): Promise<RateDecision> {
    const reply = (await this.redis.eval(SCRIPT, 1, `${this.prefix}:gw:rate:${apiKeyId}`, String(WINDOW_MS))) as [number, number];
    const [count, ttl] = reply;
    if (count <= perMinute) return { allowed: true };
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
  }
}
