import { Redis } from 'ioredis';

/**
 * Producers (the gateway) must fail fast when Redis is down — the event is already committed and the
 * sweeper will queue it — so their commands time out. (ioredis's auto-pipelining was measured and left
 * off: at 500 events/s it cost the gateway 0.2 ms of CPU per event.) Workers block on Redis by design
 * (BullMQ needs maxRetriesPerRequest: null).
 */
export function createRedis(url: string, role: 'producer' | 'worker'): Redis {
  return role === 'producer'
    ? new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2000, connectTimeout: 2000, lazyConnect: false })
    : new Redis(url, { maxRetriesPerRequest: null, connectTimeout: 5000 });
}
