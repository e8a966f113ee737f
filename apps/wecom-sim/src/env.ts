import { z } from 'zod';

const envSchema = z.object({
  WECOM_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  WECOM_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(3200),
  /** Optional: deliver callbacks here from the start (else PUT /__sim/callback). */
  WECOM_SIM_CALLBACK_URL: z.url().optional(),
  WECOM_SIM_LOG: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
});

export type WecomSimEnv = z.infer<typeof envSchema>;

/** The only place the simulator reads process.env. */
export function loadEnv(source: Record<string, string | undefined> = process.env): WecomSimEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`wecom-sim configuration error: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}
