import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '@qiao/db';
import { createRedis, createSecretBox, createStepQueue, type StepQueue } from '@qiao/runtime';
import { buildServer } from '../app';
import { ApiKeyVerifier, issueApiKey } from '../gateway/api-keys';
import type { Services } from '../trpc/context';

export interface Harness {
  app: FastifyInstance;
  db: TestDatabase;
  queue: StepQueue;
  services: Services;
  apiKey: string;
  /** The Redis key prefix of the step queue and the secret key (hex), for a worker in the same test. */
  prefix: string;
  secretKey: string;
  close(): Promise<void>;
}

/** A real server (inject, no port) on a throw-away database and a private Redis key prefix. */
export async function startHarness(options: { maxEventBytes?: number } = {}): Promise<Harness> {
  const db = await createTestDatabase('qiao_server_test');
  const redis = createRedis('redis://127.0.0.1:6379', 'producer');
  const prefix = `qiao_test_${randomBytes(4).toString('hex')}`;
  const queue = createStepQueue(redis, prefix);
  const logger = pino({ level: 'silent' });
  const secretKey = randomBytes(32);
  const services: Services = {
    prisma: db.prisma,
    box: createSecretBox(secretKey),
    queue,
    logger,
    verifier: new ApiKeyVerifier(db.prisma),
    sessionTtlMs: 3600_000,
    cookieSecure: false,
    production: false,
  };
  const app = await buildServer({ services, maxEventBytes: options.maxEventBytes ?? 1024 * 1024, logger, pingRedis: async () => void (await redis.ping()) });
  const issued = issueApiKey();
  await db.prisma.apiKey.create({ data: { name: 'test', source: '*', prefix: issued.prefix, keyHash: issued.keyHash } });
  return {
    app, db, queue, services, apiKey: issued.key, prefix, secretKey: secretKey.toString('hex'),
    async close() {
      await app.close();
      await queue.queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      redis.disconnect();
      await db.drop();
    },
  };
}
