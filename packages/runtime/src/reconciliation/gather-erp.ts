import Decimal from 'decimal.js';
import { filterEquals, filterLiteral } from '@qiao/connectors';
import type { ErpDocument, QiaoChain } from './compare';
import { documentType } from './document-types';
import type { ErpQuery } from './erp-query';

/** Numbers per `IN (…)` filter: keeps FilterStrings short enough for any K3 site. */
export const CHUNK = 200;

export interface ErpGatherOptions {
  query: ErpQuery;
  chains: readonly QiaoChain[];
  period: { from: Date; to: Date };
  /** The ERP's wall-clock zone: K3 compares FCreateDate as local time. */
  timeZone: string;
  /** Of these root bill numbers, which belong to a run (of any period)? */
  knownRoots: (billNos: string[]) => Promise<Set<string>>;
  onProgress?: (done: string) => void;
}

export interface ErpGathered {
  erp: ErpDocument[];
  inPeriod: { formId: string; billNo: string }[];
  outsidePeriod: Set<string>;
  /** ExecuteBillQuery calls made. */
  queries: number;
}

const key = (formId: string, billNo: string) => `${formId.toLowerCase()}|${billNo}`;

/** `yyyy-MM-dd HH:mm:ss` in the ERP's zone, as K3 FilterStrings write datetimes. */
export function erpDateTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']}:${parts['second']}`;
}

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The ERP's side, by filtered, batched ExecuteBillQuery calls only: each form's documents by the
 * numbers the runs recorded (`FBillNo IN`), their successors by source (`FSrcBillNo IN`), stage by
 * stage, and one date-range query per form (bill numbers only) for documents Qiao has never seen.
 */
export async function gatherErpDocuments(options: ErpGatherOptions): Promise<ErpGathered> {
  const { query, chains } = options;
  const docs = new Map<string, ErpDocument>();
  /** form|source number → the numbers of the documents made from it. */
  const bySource = new Map<string, Set<string>>();
  let queries = 0;

  async function fetch(formId: string, field: 'FBillNo' | 'FSrcBillNo', values: Iterable<string>): Promise<ErpDocument[]> {
    const type = documentType(formId);
    const withSource = type.role !== 'order';
    const fieldKeys = ['FBillNo', type.customerKey, type.qtyKey, type.amountKey, ...(withSource ? ['FSrcBillNo'] : [])];
    const found = new Map<string, ErpDocument>();
    for (const batch of chunks([...new Set(values)].filter((v) => v !== ''))) {
      const rows = await query({ formId, fieldKeys, filter: filterEquals(field, batch) });
      queries += 1;
      for (const row of rows) {
        const billNo = String(row['FBillNo'] ?? '');
        if (!billNo) continue;
        const before = docs.get(key(formId, billNo));
        // By number a query returns every entry of the bill; by source only the linked ones, so a bill
        // already read whole keeps its sums and only gains sources.
        const whole = field === 'FBillNo' || !before;
        if (!found.has(billNo)) found.set(billNo, before && !whole ? { ...before, sourceBillNos: [...before.sourceBillNos] } : { formId, billNo, sourceBillNos: [...(before?.sourceBillNos ?? [])], customer: null, qty: '0', amount: '0.00' });
        const acc = found.get(billNo) as ErpDocument;
        if (whole) {
          const customer = row[type.customerKey];
          if (typeof customer === 'string' && customer !== '') acc.customer = customer;
          acc.qty = new Decimal(acc.qty).plus(num(row[type.qtyKey])).toString();
          acc.amount = new Decimal(acc.amount).plus(num(row[type.amountKey])).toFixed(2);
        }
        const src = row['FSrcBillNo'];
        if (typeof src === 'string' && src !== '' && !acc.sourceBillNos.includes(src)) acc.sourceBillNos.push(src);
      }
    }
    for (const doc of found.values()) {
      docs.set(key(formId, doc.billNo), doc);
      for (const src of doc.sourceBillNos) bySource.set(key(formId, src), (bySource.get(key(formId, src)) ?? new Set()).add(doc.billNo));
    }
    return [...found.values()];
  }

  // Stage by stage: stage 0 by number, stage n by the numbers of stage n-1 (found or recorded).
  let previous = new Map<QiaoChain, string[]>(chains.map((c) => [c, c.rootBillNo ? [c.rootBillNo] : []]));
  const depth = Math.max(0, ...chains.map((c) => c.stages.length));
  for (let d = 0; d < depth; d += 1) {
    const byForm = new Map<string, { numbers: Set<string>; sources: Set<string> }>();
    for (const chain of chains) {
      const stage = chain.stages[d];
      if (!stage) continue;
      const entry = byForm.get(stage.formId) ?? { numbers: new Set(), sources: new Set() };
      for (const no of stage.recorded) entry.numbers.add(no);
      for (const no of previous.get(chain) ?? []) (d === 0 ? entry.numbers : entry.sources).add(no);
      byForm.set(stage.formId, entry);
    }
    for (const [formId, entry] of byForm) {
      await fetch(formId, 'FBillNo', entry.numbers);
      if (d > 0) await fetch(formId, 'FSrcBillNo', entry.sources);
      options.onProgress?.(`${formId}`);
    }
    const next = new Map<QiaoChain, string[]>();
    for (const chain of chains) {
      const stage = chain.stages[d];
      if (!stage) continue;
      const prev = previous.get(chain) ?? [];
      const numbers = new Set(stage.recorded);
      for (const no of prev) {
        if (d === 0) {
          if (docs.has(key(stage.formId, no))) numbers.add(no);
        } else for (const target of bySource.get(key(stage.formId, no)) ?? []) numbers.add(target);
      }
      next.set(chain, [...numbers]);
    }
    previous = next;
  }

  // Documents made in the period that no run led to: one date-range query per form, numbers only.
  const forms = [...new Map(chains.flatMap((c) => c.stages.map((s) => [s.formId.toLowerCase(), s.formId] as const))).values()];
  const range = `FCreateDate>=${filterLiteral(erpDateTime(options.period.from, options.timeZone))} and FCreateDate<${filterLiteral(erpDateTime(options.period.to, options.timeZone))}`;
  const inPeriod: { formId: string; billNo: string }[] = [];
  const candidates = new Map<string, string[]>();
  for (const formId of forms) {
    const rows = await query({ formId, fieldKeys: ['FBillNo'], filter: range });
    queries += 1;
    for (const row of rows) {
      const billNo = String(row['FBillNo'] ?? '');
      if (!billNo) continue;
      inPeriod.push({ formId, billNo });
      if (!docs.has(key(formId, billNo))) candidates.set(formId, [...(candidates.get(formId) ?? []), billNo]);
    }
  }
  for (const [formId, numbers] of candidates) await fetch(formId, 'FBillNo', numbers);

  // A stray document may belong to a run of another period (made just after midnight): walk up its
  // sources to the first form's number and ask Qiao whether a run carries it.
  const rootForm = new Map<string, string[]>();
  for (const chain of chains) {
    const formsOfChain = chain.stages.map((s) => s.formId);
    formsOfChain.forEach((f, i) => rootForm.set(f.toLowerCase(), formsOfChain.slice(0, i + 1)));
  }
  const rootsOf = new Map<string, string>();
  for (const [formId, numbers] of candidates) {
    const path = rootForm.get(formId.toLowerCase()) ?? [formId];
    let current = new Map(numbers.map((n) => [n, [n]]));
    for (let i = path.length - 1; i > 0; i -= 1) {
      const here = path[i] as string;
      const up = path[i - 1] as string;
      const sources = new Set<string>();
      for (const [no] of current) for (const src of docs.get(key(here, no))?.sourceBillNos ?? []) sources.add(src);
      const missing = [...sources].filter((s) => !docs.has(key(up, s)));
      if (missing.length > 0) await fetch(up, 'FBillNo', missing);
      const lifted = new Map<string, string[]>();
      for (const [no, origins] of current) for (const src of docs.get(key(here, no))?.sourceBillNos ?? []) lifted.set(src, [...(lifted.get(src) ?? []), ...origins]);
      current = lifted;
    }
    for (const [root, origins] of current) for (const origin of origins) rootsOf.set(origin, root);
  }
  const known = rootsOf.size === 0 ? new Set<string>() : await options.knownRoots([...new Set(rootsOf.values())]);
  const outsidePeriod = new Set([...rootsOf].filter(([, root]) => known.has(root)).map(([origin]) => origin));
  return { erp: [...docs.values()], inPeriod, outsidePeriod, queries };
}

function num(value: unknown): Decimal {
  try {
    return new Decimal(typeof value === 'number' || typeof value === 'string' ? value : 0);
  } catch {
    return new Decimal(0);
  }
}
