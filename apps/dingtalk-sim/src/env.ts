import { z } from 'zod';

const envSchema = z.object({
  DINGTALK_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  DINGTALK_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(3300),
  /** JSON array of robots: [{"accessToken":"…","secret":"SEC…","keywords":["…"]}]. */
  DINGTALK_SIM_ROBOTS: z.string().default('[]'),
  /** JSON array of apps: [{"appKey":"…","appSecret":"…","agentId":1,"users":["u1"]}]. */
  DINGTALK_SIM_APPS: z.string().default('[]'),
  DINGTALK_SIM_ROBOT_WINDOW_MS: z.coerce.number().int().positive().optional(),
});

export type SimEnv = z.infer<typeof envSchema>;

/** The only place the simulator reads process.env. */
export function loadEnv(source: Record<string, string | undefined> = process.env): SimEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) throw new Error(`dingtalk-sim configuration error: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
