import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/** All server configuration, parsed once at boot; nothing else reads process.env. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  DATABASE_URL: z.string().url({ error: 'DATABASE_URL must be a postgres:// URL' }),
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().min(1).default('qiao'),
  /** 32 bytes as hex or base64. The start script writes a dev key to .data/secret.key when unset. */
  QIAO_SECRET_KEY: z.string().min(32, { error: 'QIAO_SECRET_KEY must be 32 bytes as hex or base64' }),
  MAX_EVENT_BYTES: z.coerce.number().int().min(1024).default(1024 * 1024),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** Send the session cookie with Secure; on by default in production (behind HTTPS). */
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  WEB_DIST: z.string().optional(),
  /** Trust X-Forwarded-For from these proxies (comma-separated addresses, a hop count, or true); unset trusts no one, so clients cannot fake their address. */
  TRUST_PROXY: z.string().optional(),
  /** In production, the first admin is created from these when the database has no users yet. */
  QIAO_ADMIN_USERNAME: z.string().min(2).default('admin'),
  QIAO_ADMIN_PASSWORD: z.string().min(12, { error: 'QIAO_ADMIN_PASSWORD must be at least 12 characters' }).optional(),
  /** Connections this server keeps to PostgreSQL; several servers and workers share the database's max_connections (100 by default). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type ServerEnv = z.infer<typeof envSchema>;

export function loadEnv(source: Record<string, string | undefined> = process.env): ServerEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid server configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
