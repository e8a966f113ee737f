/**
 * The chaos run: drives sales-order events through the real stack (gateway, PostgreSQL, a Redis of
 * its own, worker processes, the ERP simulator) while it SIGKILLs workers, restarts Redis, expires
 * ERP sessions and has the ERP fail calls — then counts what reached the ERP, exactly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { K3Client } from '../../e2e/support/k3-client';
import { pool, salesOrderEvent } from '../../e2e/support/orders';
import { startTestStack } from '../../e2e/support/stack-fixture';
import { freePort } from '../../scripts/stack/ports';
import { ensureRedis, type RunningRedis } from '../../scripts/stack/redis';

export interface ChaosOptions {
  events: number;
  concurrency: number;
  workers: number;
  kills: number;
  redisRestarts: number;
  sessionExpiries: number;
  faults: { http503Rate: number; timeoutRate: number; dropAfterCommitRate: number };
  /** Give up waiting for runs after this long. */
  timeoutMs: number;
  log?: (line: string) => void;
}

export interface ChaosReport {
  accepted: number;
  refused: number;
  runs: Record<string, number>;
  documents: { orders: number; outbounds: number; receivables: number; invoices: number };
  duplicates: number;
  missing: number;
  mismatched: number;
  discrepancyRate: number;
  chaos: { kills: number; redisRestarts: number; sessionExpiries: number; injected503: number; timeouts: number; dropped: number };
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  // A Redis of its own, so restarting it disturbs nobody else on the machine.
  const redisDir = await mkdtemp(path.join(os.tmpdir(), 'qiao-chaos-redis-'));
  const redisPort = await freePort();
  const unused = await freePort();
  let redis: RunningRedis = await ensureRedis(redisDir, redisPort, { defaultPort: unused });
  const stack = await startTestStack('chaos', {
    workers: options.workers,
    redisUrl: redis.url,
    erpTimeoutMs: 3000,
    extraEnv: { LOG_LEVEL: 'warn', SWEEP_INTERVAL_MS: '1000', SWEEP_GRACE_MS: '5000', LEASE_MARGIN_MS: '5000' },
  });
  const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  const chaos = { kills: 0, redisRestarts: 0, sessionExpiries: 0 };
  try {
    await fetch(`${stack.erpSimUrl}/__sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...options.faults, seed: 42 }) });
    const prefix = 'CHAOS-';
    const events = Array.from({ length: options.events }, (_, i) => salesOrderEvent(`${prefix}${String(i).padStart(6, '0')}`, i));

    // The monkey: spread the disruptions over the time the events are being posted and processed.
    let posting = true;
    const monkey = (async () => {
      const plan: ('kill' | 'redis' | 'expire')[] = [
        ...Array<'kill'>(options.kills).fill('kill'),
        ...Array<'redis'>(options.redisRestarts).fill('redis'),
        ...Array<'expire'>(options.sessionExpiries).fill('expire'),
      ].sort(() => Math.random() - 0.5);
      const gap = Math.max(1500, (options.events / 25) * 1000 / (plan.length + 1));
      for (const action of plan) {
        await sleep(gap * (0.5 + Math.random()));
        if (action === 'kill') {
          const index = Math.floor(Math.random() * stack.workers.length);
          const victim = stack.workers[index];
          victim?.child.kill('SIGKILL');
          await victim?.exited;
          chaos.kills += 1;
          log(`chaos: SIGKILL worker-${index + 1}`);
          await sleep(500 + Math.random() * 1500);
          await stack.startWorker(index);
        } else if (action === 'redis') {
          await redis.stop();
          chaos.redisRestarts += 1;
          log('chaos: Redis stopped');
          await sleep(2000);
          redis = await ensureRedis(redisDir, redisPort, { defaultPort: unused });
          log('chaos: Redis started again');
        } else {
          await fetch(`${stack.erpSimUrl}/__sim/expire-sessions`, { method: 'POST' });
          chaos.sessionExpiries += 1;
          log('chaos: ERP sessions expired');
        }
      }
      while (posting) await sleep(100);
    })();

    let accepted = 0;
    let refused = 0;
    await pool(events, options.concurrency, async (event) => {
      // A client retries what the gateway could not take (as any CloudEvents sender would); source+id dedupe makes that safe.
      for (let tries = 0; tries < 20; tries += 1) {
        try {
          const res = await fetch(`${stack.serverUrl}/api/events`, {
            method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(event),
          });
          if (res.status === 202 || res.status === 200) {
            accepted += 1;
            return;
          }
        } catch {
          // server busy or restarting: try again
        }
        await sleep(250 * (tries + 1));
      }
      refused += 1;
    });
    posting = false;
    log(`posted: ${accepted} accepted, ${refused} refused`);
    await monkey;

    const deadline = Date.now() + options.timeoutMs;
    let runs: Record<string, number> = {};
    for (;;) {
      const { rows } = await db.query<{ status: string; n: string }>(`SELECT status::text, count(*) AS n FROM runs GROUP BY status`);
      runs = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
      const done = (runs['succeeded'] ?? 0) + (runs['needs_attention'] ?? 0);
      if (done >= accepted || Date.now() > deadline) break;
      log(`waiting: ${JSON.stringify(runs)}`);
      await sleep(2000);
    }
    await fetch(`${stack.erpSimUrl}/__sim/faults`, { method: 'DELETE' });

    const k3 = new K3Client(stack.erpSimUrl);
    await k3.login();
    const orders = await k3.query('SAL_SaleOrder', ['FBillNo', 'FQty'], `FBillNo like '${prefix}%'`);
    const orderNos = new Set(orders.map((o) => String(o['FBillNo'])));
    const outbounds = await k3.query('SAL_OUTSTOCK', ['FBillNo', 'FSrcBillNo', 'FRealQty']);
    const ours = outbounds.filter((o) => orderNos.has(String(o['FSrcBillNo'])));
    const receivables = await k3.query('AR_receivable', ['FBillNo', 'FSrcBillNo']);
    const invoices = await k3.query('IV_SALESIC', ['FBillNo', 'FSrcBillNo']);
    const distinct = (rows: Record<string, unknown>[]) => new Set(rows.map((r) => String(r['FBillNo'])));
    const outboundsByOrder = new Map<string, Set<string>>();
    for (const o of ours) outboundsByOrder.set(String(o['FSrcBillNo']), (outboundsByOrder.get(String(o['FSrcBillNo'])) ?? new Set()).add(String(o['FBillNo'])));
    const outNos = distinct(ours);
    const ourReceivables = receivables.filter((r) => outNos.has(String(r['FSrcBillNo'])));
    const arNos = distinct(ourReceivables);
    const ourInvoices = invoices.filter((r) => arNos.has(String(r['FSrcBillNo'])));
    const stats = (await (await fetch(`${stack.erpSimUrl}/__sim/stats`)).json()) as { pushedTwice?: number; duplicateExtNos?: number; faults: { injected503: number; timeouts: number; dropped: number } };

    // Quantities: what each event asked for versus what the ERP order holds.
    const wanted = new Map(events.map((e) => [e.data.orderNo, e.data.lines.reduce((sum, l) => sum + Number(l.quantity), 0)]));
    const held = new Map<string, number>();
    for (const o of orders) held.set(String(o['FBillNo']), (held.get(String(o['FBillNo'])) ?? 0) + Number(o['FQty']));
    let missing = 0;
    let mismatched = 0;
    for (const [orderNo, qty] of wanted) {
      if (!held.has(orderNo) || !outboundsByOrder.has(orderNo)) missing += 1;
      else if (held.get(orderNo) !== qty) mismatched += 1;
    }
    const duplicates = [...outboundsByOrder.values()].filter((s) => s.size > 1).length + (stats.pushedTwice ?? 0) + (stats.duplicateExtNos ?? 0);
    const invoiceCount = distinct(ourInvoices).size;
    missing += Math.max(0, orderNos.size - invoiceCount);
    return {
      accepted,
      refused,
      runs,
      documents: { orders: orderNos.size, outbounds: outNos.size, receivables: arNos.size, invoices: invoiceCount },
      duplicates,
      missing,
      mismatched,
      discrepancyRate: options.events === 0 ? 0 : (missing + duplicates + mismatched) / options.events,
      chaos: { ...chaos, injected503: stats.faults.injected503, timeouts: stats.faults.timeouts, dropped: stats.faults.dropped },
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await db.end();
    await stack.dispose();
    await redis.stop();
    await rm(redisDir, { recursive: true, force: true });
  }
}
