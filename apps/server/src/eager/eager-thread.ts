import { Worker } from 'node:worker_threads';
import type { EagerHandoff, EagerPort, Logger } from '@qiao/runtime';
import type { EagerThreadConfig, FromThread, ToThread } from './thread-protocol';

/**
 * Eager execution in a worker thread of the server: the accepting thread claims steps in its accept
 * statement and hands them over here, so on a machine with two cores, answering the gateway and
 * running steps use a core each. Slots are counted on this side (entry steps), so a busy thread makes
 * new steps go to the queue instead of piling up.
 *
 * If the thread dies, the steps it held stay leased in PostgreSQL and the sweeper hands them to a
 * worker when the lease runs out, as for any process that died; a new thread is started.
 */
export class EagerThread implements EagerPort {
  private inFlight = 0;
  private closing = false;
  private worker: Worker;
  private restarts = 0;
  private readonly exited = new WeakSet<Worker>();

  constructor(private readonly entry: URL, private readonly config: EagerThreadConfig, private readonly logger: Logger) {
    this.worker = this.spawn();
  }

  reserve(count: number): boolean {
    // No live thread (between a death and its replacement): steps go to the queue instead.
    if (this.closing || this.exited.has(this.worker) || count <= 0 || this.inFlight + count > this.config.capacity) return false;
    this.inFlight += count;
    return true;
  }

  release(count: number): void {
    this.inFlight = Math.max(0, this.inFlight - count);
  }

  start(handoff: EagerHandoff): void {
    if (this.exited.has(this.worker)) {
      // The thread died after the slot was reserved: the step stays leased and the sweeper hands it to a worker.
      this.release(1);
      return;
    }
    this.post({ type: 'run', handoff });
  }

  get running(): number {
    return this.inFlight;
  }

  /** Lets the thread finish (or, after `graceMs`, abort) the steps it holds, then ends it. */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const worker = this.worker;
    if (this.exited.has(worker)) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.post({ type: 'close', graceMs });
    const deadline = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs + 10_000).unref());
    if ((await Promise.race([exited.then(() => 'exited' as const), deadline])) === 'timeout') await worker.terminate();
  }

  private post(message: ToThread): void {
    this.worker.postMessage(message);
  }

  private spawn(): Worker {
    const worker = new Worker(this.entry, { workerData: this.config });
    // A thread that has run this long was healthy: the next death restarts it quickly again.
    const healthy = setTimeout(() => (this.restarts = 0), 60_000);
    healthy.unref();
    worker.on('message', (message: FromThread) => {
      if (message.type === 'done') this.release(1);
    });
    worker.on('error', (err) => this.logger.error({ err: String(err) }, 'the eager execution thread failed'));
    worker.on('exit', (code) => {
      this.exited.add(worker);
      clearTimeout(healthy);
      if (this.closing) return;
      // Its steps are leased in PostgreSQL: the sweeper hands them to workers when the leases run out.
      this.inFlight = 0;
      this.restarts += 1;
      const delay = Math.min(30_000, 500 * 2 ** Math.min(6, this.restarts - 1));
      this.logger.error({ code, restartInMs: delay }, 'the eager execution thread stopped; starting a new one');
      setTimeout(() => {
        if (!this.closing) this.worker = this.spawn();
      }, delay).unref();
    });
    return worker;
  }
}
