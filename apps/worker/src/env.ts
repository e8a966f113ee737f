import { z } from 'zod';

/** Worker configuration, parsed once at boot; nothing else reads process.env. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url({ error: 'DATABASE_URL must be a postgres:// URL' }),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().min(1).default('qiao'),
  QIAO_SECRET_KEY: z.string().min(32, { error: 'QIAO_SECRET_KEY must be 32 bytes as hex or base64' }),
  /** Steps processed at once by this worker process; they mostly wait on remote systems. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(32),
  /** How often the sweeper compares PostgreSQL with the queue. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(200).default(5000),
  /** A pending step older than this without a job is re-queued. */
  SWEEP_GRACE_MS: z.coerce.number().int().min(0).default(15_000),
  /** Extra protection of a running step beyond its timeout before another worker may take it over. */
  LEASE_MARGIN_MS: z.coerce.number().int().min(0).default(30_000),
  /** How often the compensation pass retries runs stopped by an unreachable remote system (0 = off). */
  COMPENSATION_INTERVAL_MS: z.coerce.number().int().min(0).default(10 * 60_000),
  /** How often a reconciliation report is made for the period just ended (0 = off; reports can always be run from the console). */
  RECONCILIATION_INTERVAL_MS: z.coerce.number().int().min(0).default(24 * 60 * 60_000),
  /** The ERP's wall-clock time zone: K3Cloud compares dates in filters as local time. */
  ERP_TIME_ZONE: z
    .string()
    .min(1)
    .default('Asia/Shanghai')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, { error: 'ERP_TIME_ZONE must be an IANA time zone such as Asia/Shanghai' }),
  /** Connections this worker keeps to PostgreSQL. Steps spend most of their time waiting on remote systems and hold a connection only for short queries, so far fewer than WORKER_CONCURRENCY suffice; several processes share the database's max_connections (100 by default). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  /** Run the MQTT trigger in this worker (one worker per MQTT connection subscribes; the others stand by). */
  MQTT_TRIGGERS: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  /** How often MQTT connections are re-read and the subscriber locks renewed. */
  MQTT_POLL_INTERVAL_MS: z.coerce.number().int().min(100).default(3000),
  /** A crashed worker's MQTT subscriptions are taken over after this long. */
  MQTT_LOCK_TTL_MS: z.coerce.number().int().min(1000).default(15_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type WorkerEnv = z.infer<typeof envSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): WorkerEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid worker configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
