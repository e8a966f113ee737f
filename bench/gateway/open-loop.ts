export interface OpenLoopOptions {
  ratePerSecond: number;
  seconds: number;
  /** Sends one request; resolves with the HTTP status. */
  send(seq: number): Promise<number>;
}

export interface OpenLoopResult {
  sent: number;
  /** Per request, from its scheduled send time to its answer, in ms (no coordinated omission). */
  latencies: number[];
  statuses: Map<number, number>;
  errors: number;
  firstError: string | null;
  /** Requests actually sent per second. */
  achievedRate: number;
}

/**
 * Open loop at a constant rate: request i is due at start + i/rate whether or not earlier ones
 * have been answered, and its latency counts from when it was due — so a stalled server shows up
 * as latency instead of quietly lowering the load.
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const interval = 1000 / options.ratePerSecond;
  const total = Math.round(options.ratePerSecond * options.seconds);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let errors = 0;
  let firstError: string | null = null;
  const inFlight: Promise<void>[] = [];
  const start = performance.now();
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * interval <= now) {
      const due = start + next * interval;
      const seq = next;
      next += 1;
      inFlight.push(
        options.send(seq).then(
          (status) => {
            latencies.push(performance.now() - due);
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
          },
          (err: unknown) => {
            errors += 1;
            firstError ??= err instanceof Error ? err.message : String(err);
          },
        ),
      );
    }
    const wait = start + next * interval - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Math.floor(wait))));
  }
  const sendSeconds = (performance.now() - start) / 1000;
  await Promise.all(inFlight);
  return { sent: total, latencies, statuses, errors, firstError, achievedRate: total / sendSeconds };
}
