import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);

/** `npm start` settings; the same names the server and worker read (see README, Configuration). */
export const startEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  ERP_SIM_PORT: port.default(3100),
  WECOM_SIM_PORT: port.default(3200),
  DINGTALK_SIM_PORT: port.default(3300),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  /** An MQTT broker (mqtt:// or mqtts://); unset = an embedded aedes broker with in-memory sessions. */
  MQTT_URL: z.string().regex(/^mqtts?:\/\/\S+$/i, { error: 'MQTT_URL must be mqtt://host:port or mqtts://host:port' }).optional(),
  EMBEDDED_MQTT_PORT: port.default(1883),
  EMBEDDED_PG_PORT: port.default(54329),
  EMBEDDED_REDIS_PORT: port.default(6380),
  QUEUE_PREFIX: z.string().min(1).default('qiao'),
  WORKERS: z.coerce.number().int().min(0).max(64).default(1),
  QIAO_SECRET_KEY: z.string().min(32).optional(),
  QIAO_DATA_DIR: z.string().default('.data'),
});

export function loadStartEnv(source: Record<string, string | undefined>) {
  const parsed = startEnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}
