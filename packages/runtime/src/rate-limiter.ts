import type { Redis } from 'ioredis';

/**
 * Calls per second per connection, shared by every worker through Redis (a fixed one-second window).
 * A step over the limit waits for the next window — it is delayed, never dropped — and gives up
 * (retryably) only if waiting would outlast its lease.
 */
export class ConnectionRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async acquire(connectionId: string, perSecond: number, deadline: number, signal?: AbortSignal): Promise<boolean> {
    for (;;) {
      const second = Math.floor(Date.now() / 1000);
      const key = `${this.prefix}:rate:${connectionId}:${second}`;
      const [[, count]] = ((await this.redis.multi().incr(key).expire(key, 2).exec()) ?? [[null, 0]]) as [[Error | null, number]];
      if (count <= perSecond) return true;
      const wait = (second + 1) * 1000 - Date.now() + Math.floor(Math.random() * 20);
      if (Date.now() + wait >= deadline || signal?.aborted) return false;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
