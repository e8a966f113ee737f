import { randomBytes } from 'node:crypto';
import type { TlsOptions } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '@qiao/db';
import { createRedis, createSecretBox, createStepQueue, type StepQueue } from '@qiao/runtime';
import { buildServer } from '../app';
import { LoginThrottle } from '../auth/login-throttle';
import { ApiKeyVerifier, issueApiKey } from '../gateway/api-keys';
import type { Services } from '../trpc/context';

export interface Harness {
  app: FastifyInstance;
  db: TestDatabase;
  queue: StepQueue;
  services: Services;
  apiKey: string;
  redis: Redis;
  redisPrefix: string;
  /** The key the services' secret box seals with (hex), for a worker started beside the server. */
  secretKey: string;
  /** The queue's Redis key prefix. */
  prefix: string;
  close(): Promise<void>;
}

/** A real server (inject, no port) on a throw-away database and a private Redis key prefix. */
export interface HarnessOptions {
  maxEventBytes?: number;
  rateLimitPerMinute?: number;
  https?: TlsOptions;
  /** Reuse another harness's database and Redis prefix: a second server instance of the same deployment. */
  sharedWith?: Harness;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const shared = options.sharedWith;
  const db = shared?.db ?? (await createTestDatabase('qiao_server_test'));
  const redis = createRedis('redis://127.0.0.1:6379', 'producer');
  const prefix = shared?.redisPrefix ?? `qiao_test_${randomBytes(4).toString('hex')}`;
  const queue = createStepQueue(redis, prefix);
  const logger = pino({ level: 'silent' });
  const secretKey = shared ? Buffer.from(shared.secretKey, 'hex') : randomBytes(32);
  const box = shared?.services.box ?? createSecretBox(secretKey);
  const services: Services = {
    prisma: db.prisma,
    box,
    queue,
    logger,
    verifier: new ApiKeyVerifier({ prisma: db.prisma, box, redis, versionKey: `${prefix}:gw:api-keys-version` }),
    loginThrottle: new LoginThrottle({ redis, prefix }),
    sessionTtlMs: 3600_000,
    cookieSecure: false,
    production: false,
  };
  const app = await buildServer({
    services, maxEventBytes: options.maxEventBytes ?? 1024 * 1024, logger, pingRedis: async () => void (await redis.ping()),
    https: options.https ?? null,
    gateway: { redis, redisPrefix: prefix, rateLimitPerMinute: options.rateLimitPerMinute ?? 60_000, idempotencyTtlMs: 24 * 3600_000 },
  });
  let apiKey = shared?.apiKey;
  if (!apiKey) {
    const issued = issueApiKey();
    await db.prisma.apiKey.create({ data: { name: 'test', source: '*', prefix: issued.prefix, keyHash: issued.keyHash } });
    apiKey = issued.key;
  }
  return {
    app, db, queue, services, apiKey, redis, redisPrefix: prefix, secretKey: secretKey.toString('hex'), prefix,
    async close() {
      await app.close();
      if (!shared) {
        await queue.queue.obliterate({ force: true }).catch(() => undefined);
        // Everything else under the prefix: rate-limit windows, signature replay memory, the key version, login failures.
        for (let cursor = '0'; ; ) {
          const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
          if (found.length > 0) await redis.del(...found);
          cursor = next;
          if (cursor === '0') break;
        }
      }
      await queue.close();
      redis.disconnect();
      if (!shared) await db.drop();
    },
  };
}
