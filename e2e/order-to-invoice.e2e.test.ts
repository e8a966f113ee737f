import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { K3Client } from './support/k3-client';
import { pool, quantitiesByMaterial, salesOrderEvent } from './support/orders';
import { startTestStack, type TestStack } from './support/stack-fixture';

let stack: TestStack;
let db: pg.Pool;
let k3: K3Client;

beforeAll(async () => {
  stack = await startTestStack('o2i', { workers: 2 });
  db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  k3 = new K3Client(stack.erpSimUrl);
  await k3.login();
});

afterAll(async () => {
  await db?.end();
  await stack?.dispose();
});

async function post(event: unknown): Promise<{ status: number; body: { id: string; duplicate: boolean; runs: { id: string }[] } }> {
  const res = await fetch(`${stack.serverUrl}/api/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(event),
  });
  return { status: res.status, body: (await res.json()) as never };
}

async function setFaults(faults: Record<string, number>): Promise<void> {
  const res = await fetch(`${stack.erpSimUrl}/__sim/faults`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(faults) });
  expect(res.ok).toBe(true);
}

/** Polls PostgreSQL until every run of the batch has finished, or fails with the counts it saw. */
async function waitForRuns(prefix: string, expected: number, timeoutMs = 240_000): Promise<Record<string, number>> {
  const deadline = Date.now() + timeoutMs;
  let counts: Record<string, number> = {};
  while (Date.now() < deadline) {
    const { rows } = await db.query<{ status: string; n: string }>(`SELECT status::text, count(*) AS n FROM runs WHERE "businessKey" LIKE $1 GROUP BY status`, [`${prefix}%`]);
    counts = Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    if ((counts['succeeded'] ?? 0) + (counts['needs_attention'] ?? 0) >= expected) return counts;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`runs did not finish in time: ${JSON.stringify(counts)}`);
}

async function stock(materials: string[]): Promise<Map<string, number>> {
  const rows = await k3.query('STK_Inventory', ['FMaterialId.FNumber', 'FStockId.FNumber', 'FBaseQty'], `FStockId.FNumber = 'CK001'`);
  return new Map(rows.filter((r) => materials.includes(String(r['FMaterialId.FNumber']))).map((r) => [String(r['FMaterialId.FNumber']), Number(r['FBaseQty'])]));
}

async function documentsFor(prefix: string) {
  const orders = await k3.query('SAL_SaleOrder', ['FBillNo', 'FDocumentStatus'], `FBillNo like '${prefix}%'`);
  const orderNumbers = new Set(orders.map((o) => String(o['FBillNo'])));
  const outbounds = await k3.query('SAL_OUTSTOCK', ['FBillNo', 'FDocumentStatus', 'FSrcBillNo']);
  const ours = outbounds.filter((o) => orderNumbers.has(String(o['FSrcBillNo'])));
  const outNumbers = new Set(ours.map((o) => String(o['FBillNo'])));
  const receivables = (await k3.query('AR_receivable', ['FBillNo', 'FDocumentStatus', 'FSrcBillNo'])).filter((r) => outNumbers.has(String(r['FSrcBillNo'])));
  const arNumbers = new Set(receivables.map((r) => String(r['FBillNo'])));
  const invoices = (await k3.query('IV_SALESIC', ['FBillNo', 'FDocumentStatus', 'FSrcBillNo'])).filter((r) => arNumbers.has(String(r['FSrcBillNo'])));
  const distinct = (rows: Record<string, unknown>[]) => new Set(rows.map((r) => String(r['FBillNo'])));
  const audited = (rows: Record<string, unknown>[]) => rows.every((r) => r['FDocumentStatus'] === 'C');
  return {
    orders: orders.length, orderNumbers: orderNumbers.size,
    outbounds: distinct(ours).size, receivables: distinct(receivables).size, invoices: distinct(invoices).size,
    allAudited: audited(orders) && audited(ours) && audited(receivables) && audited(invoices),
    outboundSources: new Set(ours.map((o) => String(o['FSrcBillNo']))).size,
  };
}

describe('sales order → outbound → invoice, end to end', () => {
  it('turns 200 distinct events (plus 20 repeats) into exactly 200 of each ERP document', async () => {
    const prefix = 'E2EA-';
    const events = Array.from({ length: 200 }, (_, i) => salesOrderEvent(`${prefix}${String(i).padStart(4, '0')}`, i));
    const materials = [...quantitiesByMaterial(events).keys()];
    const before = await stock(materials);

    const first = await pool(events, 20, post);
    expect(first.every((r) => r.status === 202)).toBe(true);
    expect(first.every((r) => r.body.runs.length === 1)).toBe(true);
    const repeats = await pool(events.slice(0, 20), 10, post);
    expect(repeats.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(repeats.map((r) => r.body.id)).toEqual(first.slice(0, 20).map((r) => r.body.id));

    const counts = await waitForRuns(prefix, 200);
    expect(counts).toEqual({ succeeded: 200 });
    const docs = await documentsFor(prefix);
    expect(docs).toMatchObject({ orderNumbers: 200, outbounds: 200, receivables: 200, invoices: 200, outboundSources: 200, allAudited: true });
    // One order row per entry line in the query; distinct bill numbers count the documents.
    const after = await stock(materials);
    for (const [material, qty] of quantitiesByMaterial(events)) expect((before.get(material) ?? NaN) - (after.get(material) ?? NaN), material).toBe(qty);
  });

  it('gets the same result with 20% HTTP 503, a forced session expiry and a worker killed mid-run', async () => {
    const prefix = 'E2EB-';
    const events = Array.from({ length: 200 }, (_, i) => salesOrderEvent(`${prefix}${String(i).padStart(4, '0')}`, i + 7));
    const materials = [...quantitiesByMaterial(events).keys()];
    const before = await stock(materials);
    await setFaults({ http503Rate: 0.2 });
    try {
      const accepted = await pool(events.slice(0, 100), 20, post);
      await fetch(`${stack.erpSimUrl}/__sim/expire-sessions`, { method: 'POST' });
      // SIGKILL a worker while it holds steps, then start a fresh one: nothing may be lost or done twice.
      stack.workers[0]?.child.kill('SIGKILL');
      await stack.workers[0]?.exited;
      accepted.push(...(await pool(events.slice(100), 20, post)));
      await stack.startWorker(0);
      expect(accepted.every((r) => r.status === 202)).toBe(true);
      const counts = await waitForRuns(prefix, 200);
      expect(counts).toEqual({ succeeded: 200 });
    } finally {
      await setFaults({ http503Rate: 0 });
    }
    const docs = await documentsFor(prefix);
    expect(docs).toMatchObject({ orderNumbers: 200, outbounds: 200, receivables: 200, invoices: 200, outboundSources: 200, allAudited: true });
    const after = await stock(materials);
    for (const [material, qty] of quantitiesByMaterial(events)) expect((before.get(material) ?? NaN) - (after.get(material) ?? NaN), material).toBe(qty);
    const stats = (await (await fetch(`${stack.erpSimUrl}/__sim/stats`)).json()) as { faults: { injected503: number } };
    expect(stats.faults.injected503).toBeGreaterThan(50);
  });
});
