import { availableParallelism } from 'node:os';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const processesError = { error: 'SERVER_PROCESSES must be a whole number from 1 to 64, or "auto"' };

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
  /**
   * Size of each PostgreSQL pool of a server process: Prisma's and the hot path's (accepts) each up to this, plus the
   * executor thread's (EAGER_STEPS > 0) up to half of it and 2 more — about 2.5 × this per process, and SERVER_PROCESSES
   * times that per machine. Several servers and workers share the database's max_connections (100 by default).
   */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(10),
  /**
   * Server processes sharing PORT (node:cluster), so the gateway can use every core: a whole number, or "auto" for one per
   * core available. With 1 the server runs in this process alone, as before.
   */
  SERVER_PROCESSES: z
    .union([z.literal('auto'), z.coerce.number(processesError).int(processesError).min(1, processesError).max(64, processesError)], processesError)
    .default(1)
    .transform((value) => (value === 'auto' ? availableParallelism() : value)),
  /**
   * Serve the event gateway on its own port (and only there), e.g. so that mutual TLS (TLS_CA_FILE) applies to
   * partner systems but not to browsers on PORT. Unset: the gateway is on PORT with everything else.
   */
  GATEWAY_PORT: port.optional(),
  GATEWAY_HOST: z.string().optional(),
  /** PEM server certificate (chain) and key: the server speaks HTTPS when both are set. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** PEM CA bundle for client certificates: when set, every client of the gateway's listener must present a certificate it signed (mutual TLS). */
  TLS_CA_FILE: z.string().min(1).optional(),
  /** "true" allows plain HTTP on a non-loopback HOST, for deployments whose proxy or load balancer terminates TLS. */
  TLS_TERMINATED_BY_PROXY: z.enum(['true', 'false']).default('false'),
  /** Gateway requests per minute per API key, unless the key sets its own limit. */
  GATEWAY_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(60_000),
  /** How long an Idempotency-Key is remembered (and its response replayed). */
  GATEWAY_IDEMPOTENCY_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  /**
   * Steps this server runs itself, at once, for events it has just accepted (no trip through the queue; leased
   * in PostgreSQL like a worker's, so a crash loses nothing). 0: the server only accepts and workers run everything.
   */
  EAGER_STEPS: z.coerce.number().int().min(0).max(10_000).default(256),
  /** "true": eager steps run in a worker thread of the server, so the gateway's event loop only accepts; "false": in that same loop. */
  EAGER_THREAD: z.enum(['true', 'false']).default('true'),
  /** As for workers: how long past a step's timeout its lease lasts before another process may take it over. */
  LEASE_MARGIN_MS: z.coerce.number().int().min(0).default(30_000),
  /** How long SIGTERM waits for eagerly run steps to finish before aborting their calls (they are then retried by a worker). */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(20_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
}).superRefine((env, ctx) => {
  if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) {
    ctx.addIssue({ code: 'custom', path: [env.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE'], message: 'TLS_CERT_FILE and TLS_KEY_FILE go together' });
  }
  if (env.TLS_CA_FILE && !env.TLS_CERT_FILE) {
    ctx.addIssue({ code: 'custom', path: ['TLS_CA_FILE'], message: 'mutual TLS needs the server certificate too: set TLS_CERT_FILE and TLS_KEY_FILE' });
  }
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
