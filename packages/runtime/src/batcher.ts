export interface BatcherOptions {
  /** Items per flush at most. */
  maxBatch: number;
  /** Flushes under way at once; items that arrive meanwhile wait and go together in the next one. */
  maxInFlight: number;
}

/** A per-item failure inside an otherwise answered batch: that item's caller gets `error`. */
export class BatchItemError {
  constructor(readonly error: unknown) {}
}

interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit in the application: concurrent callers' items go to the database in one statement
 * and one commit instead of one each. Nothing waits on a timer — a flush starts as soon as a slot
 * is free (after the current event-loop turn, so items submitted together share it), and under load
 * the batches grow by themselves while earlier flushes are in flight.
 *
 * When a batch fails, each of its items is tried again alone, so one bad item (a value the database
 * refuses) fails only its own caller.
 */
export class Batcher<I, O> {
  private readonly waiting: Waiting<I, O>[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly flushBatch: (items: I[]) => Promise<(O | BatchItemError)[]>, private readonly options: BatcherOptions) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.scheduled || this.inFlight >= this.options.maxInFlight || this.waiting.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) this.start(this.waiting.splice(0, this.options.maxBatch));
    });
  }

  private start(batch: Waiting<I, O>[]): void {
    this.inFlight += 1;
    this.settle(batch)
      .finally(() => {
        this.inFlight -= 1;
        this.kick();
      })
      .catch(() => undefined);
  }

  private async settle(batch: Waiting<I, O>[]): Promise<void> {
    try {
      const outs = await this.flushBatch(batch.map((w) => w.item));
      batch.forEach((w, i) => {
        const out = outs[i];
        if (i >= outs.length) w.reject(new Error('the batch returned fewer results than items'));
        else if (out instanceof BatchItemError) w.reject(out.error);
        else w.resolve(out as O);
      });
    } catch (err) {
      if (batch.length === 1) {
        batch[0]?.reject(err);
        return;
      }
      await Promise.all(batch.map(async (w) => {
        try {
          const [out] = await this.flushBatch([w.item]);
          if (out === undefined) throw new Error('the batch returned no result');
          if (out instanceof BatchItemError) throw out.error;
          w.resolve(out);
        } catch (alone) {
          w.reject(alone);
        }
      }));
    }
  }
}
