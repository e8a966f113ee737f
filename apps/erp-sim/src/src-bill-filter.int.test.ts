import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from './simulator';
import type { TestDatabase } from './test-support/harness';
import { K3TestClient, numberOf, rowsOf, salesOrder, startSimulator, statusOf, testDatabase } from './test-support/harness';

// Filters on FSrcBillNo (and FSrcBillId/FSrcEntryId) are compiled to an index lookup plus the exact
// per-entry test. These tests check that the answers are exactly what the unfiltered rows say they should be,
// including the cases a shortcut would get wrong (several links on one entry, a deleted or renamed source,
// entries without links, NOT), and that they stay so after a restart on an existing database.

let db: TestDatabase;
let simulator: Simulator;
let c: K3TestClient;

const OUT_KEYS = 'FID,FBillNo,FDocumentStatus,FEntity_FEntryID,FSrcBillNo,FSrcBillId,FSrcEntryId,FSrcBillType';
type Row = [number, string, string, number, string | null, number | null, number | null, string | null];

interface Chain {
  /** Orders: o1 has two entries and goes all the way to an invoice; o2 is pushed once; o3, o4 feed hand-built links. */
  o1: string;
  o2: string;
  o3: string;
  o4: string;
  out1: string;
  ar1: string;
  /** Hand-built outbounds: h1 entry 1 links to o3 then o4, entry 2 has no link; h2 links to a deleted order, then o4; h3 to a renamed order. */
  h1: string;
  h2: string;
  h3: string;
  deleted: string;
  renamedFrom: string;
  renamedTo: string;
  o1Id: number;
  o1EntryIds: number[];
}

let chain: Chain;

async function ok(p: Promise<Awaited<ReturnType<K3TestClient['call']>>>): Promise<string[]> {
  const r = await p;
  const status = statusOf(r);
  if (!status.IsSuccess) throw new Error(r.text);
  return status.SuccessEntitys.map((e) => e.Number);
}

async function advance(formId: string, number: string): Promise<void> {
  await ok(c.op('Submit', formId, { Numbers: [number] }));
  await ok(c.op('Audit', formId, { Numbers: [number] }));
}

async function pushOne(source: string, number: string, ruleId: string): Promise<string> {
  const [target] = await ok(c.op('Push', source, { Numbers: [number], RuleId: ruleId }));
  return target ?? '';
}

const line = (material: string, qty: number) => ({ FMaterialId: { FNumber: material }, FQty: qty, FTaxPrice: 113, FEntryTaxRate: 13 });

/** [FID, entry id] of each entry of a sales order. */
async function orderEntries(number: string): Promise<[number, number][]> {
  return rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FID,FSaleOrderEntry_FEntryID', FilterString: `FBillNo = '${number}'` })) as [number, number][];
}

async function firstEntry(number: string): Promise<[number, number]> {
  return (await orderEntries(number))[0] ?? [0, 0];
}

/** A hand-built outbound whose entries carry the given (sale order id, entry id) links, in order. */
async function handBuilt(entries: [number, number][][]): Promise<string> {
  const model = {
    FDate: '2025-02-01',
    FCustomerID: { FNumber: 'CUST0001' },
    FStockOrgId: { FNumber: '100' },
    FSaleOrgId: { FNumber: '100' },
    FEntity: entries.map((links) => ({
      FMaterialId: { FNumber: '01.001' },
      FRealQty: 1,
      FTaxPrice: 113,
      FStockId: { FNumber: 'CK001' },
      FEntity_Link: links.map(([billId, entryId]) => ({ FEntity_Link_FRuleId: 'SaleOrder-OutStock', FEntity_Link_FSBillId: billId, FEntity_Link_FSId: entryId })),
    })),
  };
  return numberOf(await c.save('SAL_OUTSTOCK', model));
}

beforeAll(async () => {
  db = testDatabase();
  simulator = await startSimulator(db);
  c = new K3TestClient(simulator.url);
  await c.login();
  const o1 = await c.createAudited('SAL_SaleOrder', salesOrder({}, [line('01.001', 2), line('01.002', 3)]));
  const o2 = await c.createAudited('SAL_SaleOrder', salesOrder({}, [line('01.003', 1)]));
  const o3 = await c.createAudited('SAL_SaleOrder', salesOrder({}, [line('01.004', 1)]));
  const o4 = await c.createAudited('SAL_SaleOrder', salesOrder({}, [line('01.005', 1)]));
  const deleted = numberOf(await c.save('SAL_SaleOrder', salesOrder({}, [line('01.006', 1)])));
  const renamedFrom = numberOf(await c.save('SAL_SaleOrder', salesOrder({}, [line('01.007', 1)])));

  const out1 = await pushOne('SAL_SaleOrder', o1, 'SaleOrder-OutStock');
  await advance('SAL_OUTSTOCK', out1);
  await pushOne('SAL_SaleOrder', o2, 'SaleOrder-OutStock');
  const ar1 = await pushOne('SAL_OUTSTOCK', out1, 'AR_OutStockToReceivableMap');
  await advance('AR_receivable', ar1);
  await pushOne('AR_receivable', ar1, 'IV_ReceivableToSalesIC_Entry');

  const [o3Link, o4Link, deletedLink, renamedLink] = [await firstEntry(o3), await firstEntry(o4), await firstEntry(deleted), await firstEntry(renamedFrom)];
  const h1 = await handBuilt([[o3Link, o4Link], []]);
  const h2 = await handBuilt([[deletedLink, o4Link]]);
  const h3 = await handBuilt([[renamedLink]]);
  // The first link of h2 now points at nothing; h3's source changes its number.
  await ok(c.op('Delete', 'SAL_SaleOrder', { Numbers: [deleted] }));
  const renamedTo = 'RENAMED-0001';
  await ok(c.save('SAL_SaleOrder', { FID: renamedLink[0], FBillNo: renamedTo }));

  const o1Rows = await orderEntries(o1);
  chain = { o1, o2, o3, o4, out1, ar1, h1, h2, h3, deleted, renamedFrom, renamedTo, o1Id: o1Rows[0]?.[0] ?? 0, o1EntryIds: o1Rows.map((r) => r[1]) };
});

afterAll(async () => {
  await simulator.close();
  await db.drop();
});

interface Case {
  formId: string;
  filter: string;
  /** Which of the form's unfiltered rows the filter must keep (three-valued: a NULL comparison keeps nothing). */
  keep: (row: Row) => boolean;
}

function cases(x: Chain): Case[] {
  const out = (filter: string, keep: (row: Row) => boolean): Case => ({ formId: 'SAL_OUTSTOCK', filter, keep });
  const src = (row: Row) => row[4];
  return [
    out(`FSrcBillNo = '${x.o1}'`, (r) => src(r) === x.o1),
    out(`FSrcBillNo='${x.o1}'`, (r) => src(r) === x.o1),
    out(`'${x.o2}' = FSrcBillNo`, (r) => src(r) === x.o2),
    out(`FSrcBillNo in ('${x.o1}', '${x.o2}', '${x.o4}')`, (r) => [x.o1, x.o2, x.o4].includes(src(r) ?? '')),
    out(`FSrcBillNo IN ('${x.o3}')`, (r) => src(r) === x.o3),
    // h1's entry links to o4 second only: its FSrcBillNo is o3, so only h2 (whose first source is gone) matches o4.
    out(`FSrcBillNo = '${x.o4}'`, (r) => src(r) === x.o4),
    out(`FSrcBillNo = '${x.deleted}'`, () => false),
    out(`FSrcBillNo = '${x.renamedFrom}'`, () => false),
    out(`FSrcBillNo = '${x.renamedTo}'`, (r) => src(r) === x.renamedTo),
    out(`FSrcBillNo in ('${x.o1}') and FDocumentStatus = 'C'`, (r) => src(r) === x.o1 && r[2] === 'C'),
    out(`FSrcBillNo = '${x.o2}' or FBillNo = '${x.h1}'`, (r) => src(r) === x.o2 || r[1] === x.h1),
    out(`not FSrcBillNo = '${x.o1}'`, (r) => src(r) !== null && src(r) !== x.o1),
    out(`FSrcBillNo not in ('${x.o1}')`, (r) => src(r) !== null && src(r) !== x.o1),
    out(`not (FSrcBillNo in ('${x.o1}') or FDocumentStatus = 'A')`, (r) => src(r) !== null && src(r) !== x.o1 && r[2] !== 'A'),
    out(`FSrcBillNo is null`, (r) => src(r) === null),
    out(`FSrcBillNo = FBillNo`, () => false),
    out(`FSrcBillId = ${x.o1Id}`, (r) => r[5] === x.o1Id),
    out(`FSrcBillId in (${x.o1Id}, 1)`, (r) => r[5] === x.o1Id),
    out(`FSrcEntryId = ${x.o1EntryIds[1]}`, (r) => r[6] === x.o1EntryIds[1]),
    out(`FSrcBillType = 'SAL_SaleOrder' and FSrcBillNo = '${x.o3}'`, (r) => r[7] === 'SAL_SaleOrder' && src(r) === x.o3),
  ];
}

/** Links whose source bill exists but whose source_bill_no differs from its number (should be none). */
async function staleLinks(): Promise<number> {
  const result = await simulator.store.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM k3sim.bill_link l JOIN k3sim.bill sb ON sb.id = l.source_bill_id
     WHERE l.source_bill_no IS DISTINCT FROM sb.bill_no`,
  );
  return result.rows[0]?.n ?? -1;
}

async function rows(formId: string, fieldKeys: string, filter = ''): Promise<unknown[][]> {
  return rowsOf(await c.query({ FormId: formId, FieldKeys: fieldKeys, FilterString: filter }));
}

/** Every case's answer, checked against the unfiltered rows; returned so a later run can be compared. */
async function checkCases(): Promise<unknown[][][]> {
  const all = (await rows('SAL_OUTSTOCK', OUT_KEYS)) as Row[];
  const answers: unknown[][][] = [];
  for (const k of cases(chain)) {
    const got = await rows(k.formId, OUT_KEYS, k.filter);
    expect(got, k.filter).toEqual(all.filter(k.keep));
    answers.push(got);
  }
  return answers;
}

async function otherForms(): Promise<unknown[][][]> {
  return [
    await rows('AR_receivable', 'FBillNo,FSrcBillNo,FSOURCEBILLNO', `FSrcBillNo = '${chain.out1}'`),
    await rows('AR_receivable', 'FBillNo,FSrcBillNo', `FSOURCEBILLNO in ('${chain.out1}')`),
    await rows('IV_SALESIC', 'FBillNo,FSrcBillNo,FSrcBillType', `FSrcBillNo in ('${chain.ar1}')`),
    // Header keys only: the entry-level filter still yields one row per entry.
    await rows('SAL_OUTSTOCK', 'FBillNo', `FSrcBillNo = '${chain.o1}'`),
  ];
}

describe('FSrcBillNo filters', () => {
  let before: unknown[][][] = [];
  let beforeOther: unknown[][][] = [];

  it('answer exactly the entries whose first live link names the source', async () => {
    before = await checkCases();
    const x = chain;
    expect(before[0]).toHaveLength(2);
    expect(before[0]?.map((r) => r[1])).toEqual([x.out1, x.out1]);
    expect(before[5]?.map((r) => r[1])).toEqual([x.h2]);
    expect(before[8]?.map((r) => r[1])).toEqual([x.h3]);
    expect(before[14]?.map((r) => r[1])).toEqual([x.h1]);
  });

  it('work on the receivable (FSOURCEBILLNO too) and the invoice, one row per entry', async () => {
    beforeOther = await otherForms();
    const [ar, arAlias, iv, headerOnly] = beforeOther;
    expect(ar).toEqual([
      [chain.ar1, chain.out1, chain.out1],
      [chain.ar1, chain.out1, chain.out1],
    ]);
    expect(arAlias).toEqual(ar?.map((r) => r.slice(0, 2)));
    expect(iv).toEqual([
      ['XSZYFP000001', chain.ar1, 'AR_receivable'],
      ['XSZYFP000001', chain.ar1, 'AR_receivable'],
    ]);
    expect(headerOnly).toEqual([[chain.out1], [chain.out1]]);
  });

  it('keep bill_link.source_bill_no equal to the source number (renames included)', async () => {
    expect(await staleLinks()).toBe(0);
    const kept = await simulator.store.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM k3sim.bill_link WHERE source_bill_no IN ($1, $2)`,
      [chain.renamedFrom, chain.renamedTo],
    );
    expect(kept.rows[0]?.n).toBe(1);
  });

  it('give the same answers after a restart on a database made before source_bill_no existed', async () => {
    await simulator.close();
    // What an existing simulator database looks like: created by a version without the column and its index.
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query('DROP INDEX k3sim.bill_link_source_bill_no_idx');
      await admin.query('ALTER TABLE k3sim.bill_link DROP COLUMN source_bill_no');
    } finally {
      await admin.end();
    }
    simulator = await startSimulator(db);
    c = new K3TestClient(simulator.url);
    await c.login();
    const index = await simulator.store.pool.query(`SELECT 1 FROM pg_indexes WHERE schemaname = 'k3sim' AND indexname = 'bill_link_source_bill_no_idx'`);
    expect(index.rowCount).toBe(1);
    expect(await staleLinks()).toBe(0);
    expect(await checkCases()).toEqual(before);
    expect(await otherForms()).toEqual(beforeOther);
    // And once more on the now current database.
    await simulator.close();
    simulator = await startSimulator(db);
    c = new K3TestClient(simulator.url);
    await c.login();
    expect(await checkCases()).toEqual(before);
  });

  it('keep source_bill_no current when a source is renamed while a link to it is being saved', async () => {
    const rounds = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const number = numberOf(await c.save('SAL_SaleOrder', salesOrder({}, [line('01.008', 1)])));
        const link = await firstEntry(number);
        const renamed = `RACE-${i}`;
        const [rename, target] = await Promise.all([c.save('SAL_SaleOrder', { FID: link[0], FBillNo: renamed }), handBuilt([[link]])]);
        expect(statusOf(rename).IsSuccess).toBe(true);
        return { renamed, target };
      }),
    );
    expect(await staleLinks()).toBe(0);
    for (const { renamed, target } of rounds) {
      expect(await rows('SAL_OUTSTOCK', 'FBillNo,FSrcBillNo', `FSrcBillNo = '${renamed}'`)).toEqual([[target, renamed]]);
    }
  });
});
