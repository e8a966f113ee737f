import { z } from 'zod';

/** Fault injection and limits, changed at run time through PUT /__sim/faults. */
export const faultConfigSchema = z.object({
  /** Every /cgi-bin/ request waits this long before it is handled. */
  latencyMs: z.number().int().min(0).max(600_000),
  /** /cgi-bin/ requests are never answered (until the client gives up). */
  hang: z.boolean(),
  /** Lifetime of new access tokens, in seconds (WeCom: 7200). */
  tokenTtlSeconds: z.number().int().min(1).max(86_400),
  /** Group robot: messages per key per minute (WeCom: 20), then errcode 45009. */
  robotPerMinute: z.number().int().min(1),
  /** API calls per app per minute before errcode 45009 (WeCom: 10,000 per corp and API). */
  appApiPerMinute: z.number().int().min(1),
  /** Messages per app per member per minute (WeCom: 30); the excess is dropped silently. */
  memberPerMinute: z.number().int().min(1),
});
export type FaultConfig = z.infer<typeof faultConfigSchema>;

/** The next `count` requests to `path` (e.g. "message/send", "*") get this errcode or HTTP status. */
export const failNextSchema = z
  .object({
    path: z.string().min(1),
    count: z.number().int().min(1).max(1000).default(1),
    errcode: z.number().int().optional(),
    errmsg: z.string().optional(),
    httpStatus: z.number().int().min(400).max(599).optional(),
  })
  .refine((f) => (f.errcode === undefined) !== (f.httpStatus === undefined), 'give exactly one of errcode and httpStatus');
export type FailNext = z.infer<typeof failNextSchema>;

export const faultUpdateSchema = faultConfigSchema.partial().extend({ failNext: z.array(failNextSchema).max(100).optional() }).strict();
export type FaultUpdate = z.infer<typeof faultUpdateSchema>;

export function defaultFaults(): FaultConfig {
  return { latencyMs: 0, hang: false, tokenTtlSeconds: 7200, robotPerMinute: 20, appApiPerMinute: 10_000, memberPerMinute: 30 };
}

export class FaultController {
  private config = defaultFaults();
  private pending: FailNext[] = [];

  get(): FaultConfig & { failNext: FailNext[] } {
    return { ...this.config, failNext: this.pending.map((f) => ({ ...f })) };
  }

  get current(): FaultConfig {
    return this.config;
  }

  update(update: FaultUpdate): ReturnType<FaultController['get']> {
    const { failNext, ...rest } = update;
    this.config = { ...this.config, ...rest };
    if (failNext) this.pending.push(...failNext.map((f) => ({ ...f })));
    return this.get();
  }

  reset(): ReturnType<FaultController['get']> {
    this.config = defaultFaults();
    this.pending = [];
    return this.get();
  }

  /** Takes one injected failure for this path, if any is queued. */
  take(path: string): FailNext | undefined {
    const index = this.pending.findIndex((f) => f.path === path || f.path === '*');
    const found = this.pending[index];
    if (!found) return undefined;
    found.count -= 1;
    if (found.count <= 0) this.pending.splice(index, 1);
    return found;
  }
}

/** Calls within the last `windowMs`, per key: a sliding window like WeCom's per-minute limits. */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly windowMs: number) {}

  /** Records a hit unless `limit` hits already fall in the window; false when over the limit. */
  tryHit(key: string, limit: number, now = Date.now()): boolean {
    const recent = (this.hits.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (recent.length >= limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    return true;
  }

  clear(): void {
    this.hits.clear();
  }
}
