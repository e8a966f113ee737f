import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { freePort } from '../../scripts/stack/ports';
import { startStack, type Stack } from '../../scripts/stack/stack';

const root = path.resolve(import.meta.dirname, '../..');
const BASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://root@127.0.0.1:5432/postgres';

export interface TestStack extends Stack {
  logDir: string;
  /** The stack's secret-box key, for benches that add sealed connections of their own. */
  secretKey: string;
  dispose(): Promise<void>;
}

/**
 * Starts the stack exactly as `npm start` does (same code, built apps, migrations, seed), but on a
 * throw-away database, a private Redis key prefix and free ports, with logs under test-results/.
 */
export interface TestStackOptions {
  workers?: number;
  extraEnv?: Record<string, string>;
  redisUrl?: string;
  erpTimeoutMs?: number;
  /**
   * Also start the WeCom and/or DingTalk simulator on a free port, as `npm start` does, with their
   * demo connections; with both, the demo flow announces each audited outbound through them.
   */
  simulators?: { wecom?: boolean; dingtalk?: boolean };
}

export async function startTestStack(name: string, options: TestStackOptions = {}): Promise<TestStack> {
  const id = `${name}_${randomBytes(4).toString('hex')}`;
  const database = `qiao_e2e_${id}`;
  const url = new URL(BASE_URL);
  url.pathname = `/${database}`;
  const logDir = path.join(root, 'test-results', 'e2e', id);
  const dataDir = path.join(root, '.data', 'e2e', id);
  const secretKey = randomBytes(32).toString('hex');
  const stack = await startStack({
    root,
    dataDir,
    host: '127.0.0.1',
    port: await freePort(),
    erpSimPort: await freePort(),
    ...(options.simulators?.wecom ? { wecomSimPort: await freePort() } : {}),
    ...(options.simulators?.dingtalk ? { dingtalkSimPort: await freePort() } : {}),
    databaseUrl: url.toString(),
    redisUrl: options.redisUrl ?? process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    ...(options.erpTimeoutMs ? { erpTimeoutMs: options.erpTimeoutMs } : {}),
    embeddedPgPort: 0,
    ownRedisPort: 0,
    queuePrefix: `qiao_e2e_${id}`,
    workers: options.workers ?? 2,
    output: logDir,
    secretKey,
    production: false,
    extraEnv: { SWEEP_INTERVAL_MS: '1000', SWEEP_GRACE_MS: '4000', LEASE_MARGIN_MS: '5000', LOG_LEVEL: 'info', ...options.extraEnv },
  });
  return {
    ...stack,
    logDir,
    secretKey,
    async dispose() {
      await stack.stop();
      // Leave no queue keys behind in the shared Redis.
      const redis = new Redis(stack.redisUrl);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `qiao_e2e_${id}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
      await rm(dataDir, { recursive: true, force: true });
      const admin = new pg.Client({ connectionString: BASE_URL });
      await admin.connect();
      try {
        for (const db of [database, `${database}_erpsim`]) await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
