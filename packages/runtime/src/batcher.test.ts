import { describe, expect, it } from 'vitest';
import { BatchItemError, Batcher } from './batcher';

const tick = () => new Promise((r) => setImmediate(r));
const until = async (ok: () => boolean) => {
  for (let i = 0; i < 100 && !ok(); i += 1) await tick();
};

describe('Batcher', () => {
  it('sends items submitted together as one batch and answers each caller with its own result', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(async (items) => {
      batches.push(items);
      return items.map((n) => n * 10);
    }, { maxBatch: 10, maxInFlight: 1 });
    const results = await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('lets items that arrive while flushes are in flight wait and go together, within maxBatch', async () => {
    const batches: number[][] = [];
    const gates: (() => void)[] = [];
    const batcher = new Batcher<number, number>(async (items) => {
      batches.push(items);
      await new Promise<void>((r) => gates.push(r));
      return items;
    }, { maxBatch: 3, maxInFlight: 1 });
    const first = batcher.submit(0);
    await tick();
    const rest = [1, 2, 3, 4, 5].map((n) => batcher.submit(n));
    await tick();
    expect(batches).toEqual([[0]]);
    gates.shift()?.();
    await first;
    await until(() => batches.length === 2);
    expect(batches).toEqual([[0], [1, 2, 3]]);
    gates.shift()?.();
    await until(() => batches.length === 3);
    gates.shift()?.();
    expect(await Promise.all(rest)).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[0], [1, 2, 3], [4, 5]]);
  });

  it('when a batch fails, tries each item alone so only the bad one fails', async () => {
    const batcher = new Batcher<number, number>(async (items) => {
      if (items.includes(13)) throw new Error('13 refused');
      return items;
    }, { maxBatch: 10, maxInFlight: 2 });
    const settled = await Promise.allSettled([12, 13, 14].map((n) => batcher.submit(n)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([12, '13 refused', 14]);
  });

  it('rejects only the items a batch answered with a BatchItemError', async () => {
    const batcher = new Batcher<number, number>(async (items) => items.map((n) => (n < 0 ? new BatchItemError(new Error(`${n} refused`)) : n)), { maxBatch: 10, maxInFlight: 1 });
    const settled = await Promise.allSettled([1, -2, 3].map((n) => batcher.submit(n)));
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([1, '-2 refused', 3]);
  });
});
