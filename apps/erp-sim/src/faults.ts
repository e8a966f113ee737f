import { z } from 'zod';
import { DEFAULT_SESSION_TTL_MS } from './session';

export const faultConfigSchema = z.object({
  http503Rate: z.number().min(0).max(1),
  latencyMs: z.number().int().min(0).max(600_000),
  timeoutRate: z.number().min(0).max(1),
  dropAfterCommitRate: z.number().min(0).max(1),
  sessionTtlMs: z.number().int().min(1),
});
export type FaultConfig = z.infer<typeof faultConfigSchema>;

/** PUT body: any subset, plus an optional `seed` to restart the PRNG. */
export const faultUpdateSchema = faultConfigSchema.partial().extend({ seed: z.number().int().optional() }).strict();
export type FaultUpdate = z.infer<typeof faultUpdateSchema>;

export const DEFAULT_FAULT_SEED = 20240601;

export function defaultFaults(sessionTtlMs = DEFAULT_SESSION_TTL_MS): FaultConfig {
  return { http503Rate: 0, latencyMs: 0, timeoutRate: 0, dropAfterCommitRate: 0, sessionTtlMs };
}

/** mulberry32: tiny, seedable, good enough to make fault sequences reproducible run to run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultCounters {
  injected503: number;
  timeouts: number;
  dropped: number;
  delayed: number;
}

/** What to do with one /k3cloud/ request, decided before it is handled. */
export interface FaultPlan {
  latencyMs: number;
  respond503: boolean;
  hang: boolean;
  dropAfterCommit: boolean;
}

export class FaultController {
  private config: FaultConfig;
  private random: () => number;
  counters: FaultCounters = { injected503: 0, timeouts: 0, dropped: 0, delayed: 0 };

  constructor(
    seed: number = DEFAULT_FAULT_SEED,
    private readonly defaults: FaultConfig = defaultFaults(),
  ) {
    this.config = { ...defaults };
    this.random = mulberry32(seed);
  }

  get(): FaultConfig {
    return { ...this.config };
  }

  update(update: FaultUpdate): FaultConfig {
    const { seed, ...rest } = update;
    this.config = { ...this.config, ...rest };
    if (seed !== undefined) this.random = mulberry32(seed);
    return this.get();
  }

  restoreDefaults(): FaultConfig {
    this.config = { ...this.defaults };
    return this.get();
  }

  resetCounters(): void {
    this.counters = { injected503: 0, timeouts: 0, dropped: 0, delayed: 0 };
  }

  // A draw happens only for a rate above 0, so enabling one fault doesn't shift another's sequence.
  private draw(rate: number): boolean {
    if (rate <= 0) return false;
    return this.random() < rate;
  }

  plan(isWrite: boolean): FaultPlan {
    const c = this.config;
    const plan: FaultPlan = {
      latencyMs: c.latencyMs,
      respond503: this.draw(c.http503Rate),
      hang: false,
      dropAfterCommit: false,
    };
    if (!plan.respond503) plan.hang = this.draw(c.timeoutRate);
    if (!plan.respond503 && !plan.hang && isWrite) plan.dropAfterCommit = this.draw(c.dropAfterCommitRate);
    if (plan.latencyMs > 0) this.counters.delayed++;
    if (plan.respond503) this.counters.injected503++;
    if (plan.hang) this.counters.timeouts++;
    return plan;
  }
}
