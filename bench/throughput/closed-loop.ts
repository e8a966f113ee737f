import type { BenchOrder } from './mapping.mjs';
import type { Sink } from './sink';

export interface LoadOptions {
  label: string;
  concurrency: number;
  seconds: number;
  warmupSeconds: number;
  sink: Sink;
  /** Hands one order to the system under test; resolves when the system has answered. */
  send(order: BenchOrder): Promise<void>;
}

export interface LoadResult {
  /** Documents that reached the sink inside the measured window, per second. */
  perSecond: number;
  /** performance.now() from sending the order to its document's arrival at the sink, measured window only. */
  latencies: number[];
  /** Documents that reached the sink during the whole cell, warm-up included. */
  completed: number;
  errors: number;
  firstError: string | null;
}

/**
 * Closed loop: `concurrency` loops each send an order, wait until its document has reached the sink
 * (and the system has answered), then send the next. So concurrency N means N orders in flight, for
 * every system alike. A warm-up period runs first and is not counted.
 */
export async function runClosedLoop(options: LoadOptions): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + options.warmupSeconds * 1000;
  const end = measureFrom + options.seconds * 1000;
  const latencies: number[] = [];
  let inWindow = 0;
  let completed = 0;
  let errors = 0;
  let firstError: string | null = null;
  let seq = 0;
  await Promise.all(Array.from({ length: options.concurrency }, async () => {
    while (performance.now() < end) {
      const order = benchOrder(`${options.label}-${seq++}`, seq);
      const sentAt = performance.now();
      const arrival = options.sink.waitFor(order.orderNo, 60_000);
      try {
        const [, at] = await Promise.all([options.send(order), arrival]);
        completed += 1;
        if (at >= measureFrom && at <= end) inWindow += 1;
        if (sentAt >= measureFrom) latencies.push(at - sentAt);
      } catch (err) {
        arrival.catch(() => undefined);
        errors += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }));
  return { perSecond: inWindow / options.seconds, latencies, completed, errors, firstError };
}

/** A sales order with 1–3 lines, the same shape for every system. */
export function benchOrder(orderNo: string, seed: number): BenchOrder {
  return {
    orderNo,
    orderDate: '2026-11-27',
    customer: { code: `CUST000${1 + (seed % 9)}` },
    lines: Array.from({ length: 1 + (seed % 3) }, (_, i) => ({
      material: `01.${String(1 + ((seed + i * 3) % 10)).padStart(3, '0')}`,
      quantity: String(1 + ((seed * 7 + i) % 5)),
      taxPrice: '113.00',
      warehouse: 'CK001',
    })),
  };
}
