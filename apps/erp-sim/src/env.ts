import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0'])
  .optional()
  .transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  ERP_SIM_DATABASE_URL: z.string().min(1, 'ERP_SIM_DATABASE_URL is required'),
  ERP_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  ERP_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(3100),
  ERP_SIM_SESSION_TTL_MS: z.coerce.number().int().positive().optional(),
  ERP_SIM_FAULT_SEED: z.coerce.number().int().optional(),
  ERP_SIM_LOG: flag,
});

export type SimEnv = z.infer<typeof envSchema>;

/** The only place the simulator reads process.env. */
export function loadEnv(source: Record<string, string | undefined> = process.env): SimEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`erp-sim configuration error: ${problems}`);
  }
  return parsed.data;
}
