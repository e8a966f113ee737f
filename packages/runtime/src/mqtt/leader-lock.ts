import type { Redis } from 'ioredis';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * One holder per key across processes: SET NX with a TTL, renewed by the holder well before it
 * expires. A crashed holder stops renewing and another process takes over after the TTL. Renew and
 * release only act when the value is still ours, so a late holder can never free someone else's lock.
 */
export class LeaderLock {
  constructor(
    private readonly redis: Redis,
    private readonly owner: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lock, or extends it when already ours; false when another process holds it. */
  async hold(key: string): Promise<boolean> {
    const renewed = await this.redis.eval(RENEW, 1, key, this.owner, String(this.ttlMs));
    if (renewed === 1) return true;
    return (await this.redis.set(key, this.owner, 'PX', this.ttlMs, 'NX')) === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, key, this.owner);
  }
}
