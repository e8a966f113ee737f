/**
 * bench/events: posts N sales-order events at concurrency C through the real stack (gateway,
 * PostgreSQL, Redis, workers, ERP simulator) and prints accepted/s, runs completed/s and p50/p99
 * from accept to invoice created — next to a baseline that drives the same ERP documents by calling
 * the simulator directly from a plain loop, in the same run.
 *
 *   pnpm bench:events [--events 500] [--concurrency 16] [--workers 2]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pool, salesOrderEvent } from '../e2e/support/orders';
import { startTestStack } from '../e2e/support/stack-fixture';
import { directOrderToInvoice, K3Session } from './k3-direct';
import { fmt, summary } from './stats';

const { values } = parseArgs({ options: { events: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '16' }, workers: { type: 'string', default: '2' } } });
const N = Number(values.events);
const C = Number(values.concurrency);

const stack = await startTestStack('bench', { workers: Number(values.workers), extraEnv: { LOG_LEVEL: 'warn' } });
const db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
try {
  // Baseline: the same four documents per order, straight at the simulator, no platform in between.
  const session = new K3Session(stack.erpSimUrl);
  await session.login();
  const baseOrders = Array.from({ length: N }, (_, i) => salesOrderEvent(`BASE-${i}`, i));
  const baseLatencies: number[] = [];
  const baseStart = performance.now();
  await pool(baseOrders, C, async (e) => {
    const t0 = performance.now();
    await directOrderToInvoice(session, e.data);
    baseLatencies.push(performance.now() - t0);
  });
  const baseSeconds = (performance.now() - baseStart) / 1000;

  // Qiao: the same orders as events through the gateway; runs carry them to the ERP.
  const events = Array.from({ length: N }, (_, i) => salesOrderEvent(`BENCH-${i}`, i));
  const acceptLatencies: number[] = [];
  const t0 = performance.now();
  await pool(events, C, async (e) => {
    const s = performance.now();
    const res = await fetch(`${stack.serverUrl}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify(e) });
    if (res.status !== 202) throw new Error(`event refused: ${res.status} ${await res.text()}`);
    acceptLatencies.push(performance.now() - s);
  });
  const acceptSeconds = (performance.now() - t0) / 1000;
  let done = 0;
  while (done < N) {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM runs WHERE status IN ('succeeded', 'needs_attention')`);
    done = Number(rows[0]?.n ?? 0);
    if (done < N) await new Promise((r) => setTimeout(r, 200));
  }
  const runSeconds = (performance.now() - t0) / 1000;
  const { rows } = await db.query<{ ms: number; status: string }>(`
    SELECT r.status::text AS status, EXTRACT(EPOCH FROM (s."finishedAt" - e."receivedAt")) * 1000 AS ms
    FROM runs r JOIN events e ON e.id = r."eventId" JOIN steps s ON s."runId" = r.id AND s."nodeId" = 'pushInvoice'`);
  const endToEnd = summary(rows.map((r) => Number(r.ms)));
  const failed = rows.filter((r) => r.status !== 'succeeded').length;
  const accept = summary(acceptLatencies);
  const base = summary(baseLatencies);

  console.log(`\nbench/events — ${N} orders at concurrency ${C}, ${values.workers} worker(s), node ${process.version}\n`);
  console.log('| path                                   | orders/s | p50 ms | p99 ms |');
  console.log('|----------------------------------------|---------:|-------:|-------:|');
  console.log(`| baseline: direct K3Cloud calls        | ${fmt(N / baseSeconds).padStart(8)} | ${fmt(base.p50).padStart(6)} | ${fmt(base.p99).padStart(6)} |`);
  console.log(`| Qiao gateway: accept (202)             | ${fmt(N / acceptSeconds).padStart(8)} | ${fmt(accept.p50).padStart(6)} | ${fmt(accept.p99).padStart(6)} |`);
  console.log(`| Qiao: accept → invoice created         | ${fmt(N / runSeconds).padStart(8)} | ${fmt(endToEnd.p50).padStart(6)} | ${fmt(endToEnd.p99).padStart(6)} |`);
  const rss = (pid: number | undefined) => {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid ?? 0}/status`, 'utf8'))?.[1];
      return kb ? `${(Number(kb) / 1024).toFixed(0)} MiB` : '?';
    } catch {
      return '?';
    }
  };
  console.log(`\nbaseline = the same four documents per order (save, submit, audit, then push/submit/audit ×3) called straight at the simulator from ${C} concurrent loops, nothing persisted`);
  console.log(`runs not succeeded: ${failed}`);
  console.log(`memory (RSS) after the run: server ${rss(stack.server.child.pid)}, ${stack.workers.map((w, i) => `worker-${i + 1} ${rss(w?.child.pid)}`).join(', ')}, erp-sim ${rss(stack.erpSim.child.pid)}`);
} finally {
  await db.end();
  await stack.dispose();
}
