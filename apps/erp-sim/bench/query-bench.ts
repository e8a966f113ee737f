/**
 * Query benchmark for the simulator: the lookups the Kingdee connector makes on every push step.
 *
 *   npx tsx apps/erp-sim/bench/query-bench.ts [--orders 5000] [--queries 1000] [--concurrency 10]
 *                                             [--db postgres://…/qiao_erpsim_bench] [--reseed] [--explain] [--drop]
 *
 * Seeds N sales orders through the HTTP API (BatchSave/Submit/Audit, then Push → outbound → receivable →
 * invoice, each target submitted and audited), i.e. 4·N documents. The database is kept between runs, so the
 * same data can be measured before and after a change (and an existing database is migrated by the start-up
 * DDL); `--reseed` starts from scratch, `--drop` drops the database at the end.
 *
 * Then it times, at the given concurrency, each over the HTTP API:
 *   - FSrcBillNo lookups on the three target forms (`FSrcBillNo='…'` and `FSrcBillNo in ('…')`), checking
 *     every answer names the expected target bill;
 *   - FBillNo='…' status lookups and FBillNo in (…) lookups;
 *   - Push of an already pushed order (answers "已全部下推").
 * `--explain` prints EXPLAIN ANALYZE of the compiled SQL of the hot queries.
 */
import pg from 'pg';
import { queryForm } from '../src/forms/registry';
import { buildQuery } from '../src/query/build-query';
import { createSimulator } from '../src/simulator';
import type { Simulator } from '../src/simulator';
import { K3TestClient, DF, rowsOf, statusOf } from '../src/test-support/harness';

interface Args {
  orders: number;
  queries: number;
  concurrency: number;
  db: string;
  reseed: boolean;
  explain: boolean;
  drop: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (name: string, fallback: string): string => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? (argv[i + 1] ?? fallback) : fallback;
  };
  return {
    orders: Number(value('orders', '5000')),
    queries: Number(value('queries', '1000')),
    concurrency: Number(value('concurrency', '10')),
    db: value('db', process.env.ERP_SIM_BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/qiao_erpsim_bench'),
    reseed: argv.includes('--reseed'),
    explain: argv.includes('--explain'),
    drop: argv.includes('--drop'),
  };
}

const CHAIN: readonly { source: string; rule: string; target: string }[] = [
  { source: 'SAL_SaleOrder', rule: 'SaleOrder-OutStock', target: 'SAL_OUTSTOCK' },
  { source: 'SAL_OUTSTOCK', rule: 'AR_OutStockToReceivableMap', target: 'AR_receivable' },
  { source: 'AR_receivable', rule: 'IV_ReceivableToSalesIC_Entry', target: 'IV_SALESIC' },
];

const BATCH = 50;

function check(r: Awaited<ReturnType<K3TestClient['call']>>, what: string): string[] {
  const status = statusOf(r);
  if (!status.IsSuccess) throw new Error(`${what} failed: ${r.text.slice(0, 500)}`);
  return status.SuccessEntitys.map((e) => e.Number);
}

async function advance(c: K3TestClient, formId: string, numbers: string[]): Promise<void> {
  check(await c.op('Submit', formId, { Numbers: numbers }), `Submit ${formId}`);
  check(await c.op('Audit', formId, { Numbers: numbers }), `Audit ${formId}`);
}

/** One batch of orders all the way to invoices. */
async function seedBatch(c: K3TestClient, first: number, count: number): Promise<void> {
  const models = Array.from({ length: count }, (_, k) => {
    const i = first + k;
    return {
      FBillNo: `BSO${String(i).padStart(7, '0')}`,
      FBillTypeID: { FNumber: 'XSDD01_SYS' },
      FDate: '2025-03-01',
      FSaleOrgId: { FNumber: '100' },
      FCustId: { FNumber: `CUST${String((i % 10) + 1).padStart(4, '0')}` },
      FSaleOrderFinance: { FSettleCurrId: { FNumber: 'PRE001' }, FIsIncludedTax: true, FExchangeRate: 1 },
      FSaleOrderEntry: [0, 1].map((j) => ({
        FMaterialId: { FNumber: `01.${String(((i + j * 7) % 17) + 1).padStart(3, '0')}` },
        FUnitID: { FNumber: 'Pcs' },
        FQty: 1 + ((i + j) % 3),
        FTaxPrice: 100 + (i % 50),
        FEntryTaxRate: 13,
      })),
    };
  });
  let numbers = check(await c.call(DF('BatchSave'), { formid: 'SAL_SaleOrder', data: { Model: models } }), 'BatchSave');
  await advance(c, 'SAL_SaleOrder', numbers);
  for (const step of CHAIN) {
    const pushed = await c.op('Push', step.source, { Numbers: numbers, RuleId: step.rule, TargetFormId: step.target });
    numbers = check(pushed, `Push ${step.source}`);
    await advance(c, step.target, numbers);
  }
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i] as T, i);
      }
    }),
  );
}

async function seed(sim: Simulator, args: Args): Promise<void> {
  const have = await sim.store.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM k3sim.bill WHERE form_id = 'IV_SALESIC'`);
  if (!args.reseed && (have.rows[0]?.n ?? 0) >= args.orders) {
    console.log(`using the existing ${have.rows[0]?.n} order chains in ${args.db}`);
    return;
  }
  await sim.store.reset();
  const clients = await Promise.all(Array.from({ length: 4 }, async () => {
    const c = new K3TestClient(sim.url);
    await c.login();
    return c;
  }));
  const batches = Array.from({ length: Math.ceil(args.orders / BATCH) }, (_, b) => b * BATCH + 1);
  const started = performance.now();
  let done = 0;
  await pool(batches, clients.length, async (first, i) => {
    await seedBatch(clients[i % clients.length] as K3TestClient, first, Math.min(BATCH, args.orders - first + 1));
    done += 1;
    if (done % 20 === 0) console.log(`  seeded ${Math.min(done * BATCH, args.orders)} / ${args.orders} orders`);
  });
  await sim.store.pool.query('ANALYZE');
  console.log(`seeded ${args.orders} orders → ${args.orders * 4} documents in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

interface Pair {
  targetForm: string;
  target: string;
  source: string;
}

/** Source/target pairs of the seeded chains (read behind the API: they are the expected answers). */
async function pairs(sim: Simulator): Promise<Pair[]> {
  const result = await sim.store.pool.query<Pair>(
    `SELECT DISTINCT tb.form_id AS "targetForm", tb.bill_no AS target, sb.bill_no AS source
     FROM k3sim.bill_link l JOIN k3sim.bill tb ON tb.id = l.target_bill_id JOIN k3sim.bill sb ON sb.id = l.source_bill_id
     ORDER BY 1, 2`,
  );
  return result.rows;
}

// mulberry32: the same picks on every run.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pct(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

interface Scenario<T> {
  name: string;
  items: readonly T[];
  run: (c: K3TestClient, item: T) => Promise<void>;
}

async function measure<T>(clients: readonly K3TestClient[], scenario: Scenario<T>): Promise<void> {
  const latencies: number[] = [];
  const started = performance.now();
  await pool(scenario.items, clients.length, async (item, i) => {
    const t0 = performance.now();
    await scenario.run(clients[i % clients.length] as K3TestClient, item);
    latencies.push(performance.now() - t0);
  });
  const seconds = (performance.now() - started) / 1000;
  const sorted = [...latencies].sort((a, b) => a - b);
  const f = (n: number): string => n.toFixed(1).padStart(8);
  console.log(
    `${scenario.name.padEnd(44)} n=${String(sorted.length).padStart(5)}  ${(sorted.length / seconds).toFixed(1).padStart(8)} q/s` +
      `  p50 ${f(pct(sorted, 50))} ms  p99 ${f(pct(sorted, 99))} ms  max ${f(sorted[sorted.length - 1] ?? NaN)} ms`,
  );
}

const STATE_KEYS = 'FID,FBillNo,FDocumentStatus,FSrcBillNo';

async function srcLookup(c: K3TestClient, pair: Pair, filter: string): Promise<void> {
  const r = await c.query({ FormId: pair.targetForm, FieldKeys: STATE_KEYS, FilterString: filter, OrderString: '', TopRowCount: 0, StartRow: 0, Limit: 2000 });
  const rows = rowsOf(r);
  if (!Array.isArray(rows) || rows.length === 0 || !rows.every((row) => row[1] === pair.target && row[3] === pair.source)) {
    throw new Error(`${pair.targetForm} ${filter}: unexpected answer ${r.text.slice(0, 300)}`);
  }
}

async function explain(sim: Simulator, sample: readonly Pair[]): Promise<void> {
  const p = sample[0] as Pair;
  const cases: [string, string, string][] = [
    [p.targetForm, STATE_KEYS, `FSrcBillNo in ('${p.source}')`],
    [p.targetForm, STATE_KEYS, `FSrcBillNo = '${p.source}' and FDocumentStatus = 'C'`],
    [p.targetForm, 'FID,FBillNo,FDocumentStatus', `FBillNo = '${p.target}'`],
    [p.targetForm, 'FID,FBillNo,FDocumentStatus', `FBillNo in (${sample.slice(0, 3).map((x) => `'${x.target}'`).join(',')})`],
  ];
  for (const [formId, fieldKeys, filter] of cases) {
    const form = queryForm(formId);
    if (!form) continue;
    const built = buildQuery(form, { fieldKeys, filter, order: '', startRow: 0, limit: 2000, topRowCount: 0 });
    const plan = await sim.store.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) ${built.sql}`, built.params);
    console.log(`\n-- ${formId}: ${filter}\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const sim = await createSimulator({ databaseUrl: args.db, port: 0, poolSize: Math.max(10, args.concurrency) });
  console.log(`simulator started in ${(performance.now() - t0).toFixed(0)} ms (schema DDL and any migration included)`);
  try {
    await seed(sim, args);
    const all = await pairs(sim);
    const rand = prng(20240601);
    const pick = (list: readonly Pair[]): Pair => list[Math.floor(rand() * list.length)] as Pair;
    const sample = Array.from({ length: args.queries }, () => pick(all));
    const clients = await Promise.all(Array.from({ length: args.concurrency }, async () => {
      const c = new K3TestClient(sim.url);
      await c.login();
      return c;
    }));
    // Warm-up (connections, plans, caches), not measured.
    await pool(sample.slice(0, 100), clients.length, async (p, i) => {
      const c = clients[i % clients.length] as K3TestClient;
      await srcLookup(c, p, `FSrcBillNo='${p.source}'`);
      await srcLookup(c, p, `FSrcBillNo in ('${p.source}')`);
    });
    const docs = await sim.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM k3sim.bill');
    console.log(`\n${docs.rows[0]?.n} documents, ${all.length} links; ${args.queries} queries per scenario at concurrency ${args.concurrency}\n`);
    await measure(clients, { name: "FSrcBillNo in ('…') (3 target forms)", items: sample, run: (c, p) => srcLookup(c, p, `FSrcBillNo in ('${p.source}')`) });
    await measure(clients, { name: "FSrcBillNo='…' (3 target forms)", items: sample, run: (c, p) => srcLookup(c, p, `FSrcBillNo='${p.source}'`) });
    await measure(clients, {
      name: "FBillNo='…' (status lookup)",
      items: sample,
      run: async (c, p) => {
        const rows = rowsOf(await c.query({ FormId: p.targetForm, FieldKeys: 'FID,FBillNo,FDocumentStatus', FilterString: `FBillNo='${p.target}'` }));
        if (rows.length !== 1 || rows[0]?.[2] !== 'C') throw new Error(`FBillNo='${p.target}': ${JSON.stringify(rows)}`);
      },
    });
    await measure(clients, {
      name: 'FBillNo in (5 numbers)',
      items: sample,
      run: async (c, p) => {
        const numbers = [p, pick(all), pick(all), pick(all), pick(all)].filter((x) => x.targetForm === p.targetForm).map((x) => x.target);
        const rows = rowsOf(await c.query({ FormId: p.targetForm, FieldKeys: 'FID,FBillNo,FDocumentStatus', FilterString: `FBillNo in (${numbers.map((n) => `'${n}'`).join(',')})` }));
        if (rows.length !== new Set(numbers).size) throw new Error(`FBillNo in: ${JSON.stringify(rows)}`);
      },
    });
    const orders = sample.filter((p) => p.targetForm === 'SAL_OUTSTOCK').map((p) => p.source);
    await measure(clients, {
      name: 'Push of a fully pushed order (MsgCode 12)',
      items: orders,
      run: async (c, so) => {
        const status = statusOf(await c.op('Push', 'SAL_SaleOrder', { Numbers: [so], RuleId: 'SaleOrder-OutStock', TargetFormId: 'SAL_OUTSTOCK' }));
        if (status.IsSuccess || status.MsgCode !== 12) throw new Error(`Push ${so}: ${JSON.stringify(status)}`);
      },
    });
    if (args.explain) await explain(sim, sample);
  } finally {
    await sim.close();
  }
  if (args.drop) {
    const url = new URL(args.db);
    const name = decodeURIComponent(url.pathname.slice(1));
    url.pathname = '/postgres';
    const admin = new pg.Client({ connectionString: url.toString() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
    await admin.end();
    console.log(`dropped ${name}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
