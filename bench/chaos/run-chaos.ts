/**
 * The chaos run: drives sales-order events through the real stack (gateway, PostgreSQL, a Redis of
 * its own, worker processes, the ERP simulator) while it SIGKILLs workers and the server (which runs
 * steps eagerly), restarts Redis, expires ERP sessions and has the ERP fail calls — then counts what
 * reached the ERP, exactly.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createPrisma } from '@qiao/db';
import { kingdeeErpQuery, PlanCache, reconcile, type ReconcileOutcome } from '@qiao/runtime';
import { pool, salesOrderEvent } from '../../e2e/support/orders';
import { startTestStack } from '../../e2e/support/stack-fixture';
import { freePort } from '../../scripts/stack/ports';
import { ensureRedis, type RunningRedis } from '../../scripts/stack/redis';

export interface ChaosOptions {
  events: number;
  concurrency: number;
  workers: number;
  kills: number;
  /** SIGKILLs of the server while it holds eagerly run steps (it is started again at once). */
  serverKills: number;
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
  unknownToQiao: number;
  notRecorded: number;
  /** The reconciliation report's figures: documents compared, findings, ExecuteBillQuery calls. */
  reconciliation: { documents: number; discrepancies: number; queries: number };
  discrepancyRate: number;
  chaos: { kills: number; serverKills: number; redisRestarts: number; sessionExpiries: number; injected503: number; timeouts: number; dropped: number };
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
  const chaos = { kills: 0, serverKills: 0, redisRestarts: 0, sessionExpiries: 0 };
  let server = stack.server;
  try {
    await fetch(`${stack.erpSimUrl}/__sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...options.faults, seed: 42 }) });
    const prefix = 'CHAOS-';
    const events = Array.from({ length: options.events }, (_, i) => salesOrderEvent(`${prefix}${String(i).padStart(6, '0')}`, i));

    // The monkey: spread the disruptions over the time the events are being posted and processed.
    let posting = true;
    const monkey = (async () => {
      const plan: ('kill' | 'server' | 'redis' | 'expire')[] = [
        ...Array<'kill'>(options.kills).fill('kill'),
        ...Array<'server'>(options.serverKills).fill('server'),
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
        } else if (action === 'server') {
          server.child.kill('SIGKILL');
          await server.exited;
          chaos.serverKills += 1;
          log('chaos: SIGKILL server');
          server = await stack.restartServer();
          log('chaos: server started again');
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

    // The tally is the reconciliation report itself: Qiao's runs against the ERP's documents, read
    // with filtered, batched ExecuteBillQuery calls (no unfiltered paging through every document).
    const prisma = createPrisma(stack.databaseUrl, { max: 2 });
    let outcome: ReconcileOutcome;
    try {
      const credentials = { serverUrl: `${stack.erpSimUrl}/k3cloud/`, acctId: 'QIAO_DEMO', username: 'demo', authType: 'appSecret', appId: 'qiaodemo_0123456789abcdef0123456789abcdef', appSecret: 'qiao-demo-secret', lcid: 2052, timeoutMs: 60_000 };
      const reconcileStarted = Date.now();
      outcome = await reconcile(
        { prisma, plans: new PlanCache(prisma), erpFor: async (connectionId) => kingdeeErpQuery({ credentials, connectionId }) },
        { period: { from: new Date(started - 60_000), to: new Date(Date.now() + 60_000) }, erpTimeZone: 'UTC' },
      );
      log(`reconciled in ${((Date.now() - reconcileStarted) / 1000).toFixed(1)} s with ${outcome.queries} ExecuteBillQuery calls`);
    } finally {
      await prisma.$disconnect();
    }
    const stats = (await (await fetch(`${stack.erpSimUrl}/__sim/stats`)).json()) as { pushedTwice?: number; duplicateExtNos?: number; faults: { injected503: number; timeouts: number; dropped: number } };
    const erpCount = (role: string) => outcome.types.filter((t) => t.role === role).reduce((n, t) => n + t.erpCount, 0);
    const sum = (field: 'duplicates' | 'missingInErp' | 'mismatched' | 'unknownToQiao' | 'notRecorded') => outcome.types.reduce((n, t) => n + t[field], 0);
    const duplicates = sum('duplicates') + (stats.pushedTwice ?? 0) + (stats.duplicateExtNos ?? 0);
    const missing = sum('missingInErp');
    const mismatched = sum('mismatched');
    return {
      accepted,
      refused,
      runs,
      documents: { orders: erpCount('order'), outbounds: erpCount('outbound'), receivables: erpCount('receivable'), invoices: erpCount('invoice') },
      duplicates,
      missing,
      mismatched,
      unknownToQiao: sum('unknownToQiao'),
      notRecorded: sum('notRecorded'),
      reconciliation: { documents: outcome.documents, discrepancies: outcome.discrepancies, queries: outcome.queries },
      discrepancyRate: outcome.discrepancyRate,
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
