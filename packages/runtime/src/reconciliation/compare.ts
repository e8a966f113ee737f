import Decimal from 'decimal.js';
import { documentType } from './document-types';
import type { Discrepancy, FieldDiff, ReconciliationResult, TypeSummary } from './report';

/** What Qiao expects of one run: its chain of documents, stage by stage (order, outbound, …). */
export interface QiaoChain {
  runId: string;
  status: 'pending' | 'running' | 'succeeded' | 'needs_attention' | 'cancelled';
  businessKey: string | null;
  /** The number the first stage's document carries in the ERP (the order number). */
  rootBillNo: string | null;
  /** What the event asked for; null where it is not known (the step never resolved its input). */
  expected: { customer: string | null; qty: string | null; amount: string | null };
  stages: { formId: string; nodeId: string; recorded: string[] }[];
}

/** One ERP document as ExecuteBillQuery returned it, entries summed. */
export interface ErpDocument {
  formId: string;
  billNo: string;
  sourceBillNos: string[];
  customer: string | null;
  qty: string;
  amount: string;
}

export interface CompareInput {
  chains: readonly QiaoChain[];
  /** Every ERP document gathered: by number, by source number and by date range. */
  erp: readonly ErpDocument[];
  /** ERP documents found by the period's date range (form + bill number). */
  inPeriod: readonly { formId: string; billNo: string }[];
  /** Bill numbers in `inPeriod` that belong to runs outside the period: cut-off, not unknown. */
  outsidePeriod: ReadonlySet<string>;
  /** Amount tolerance per document (rounding), default 0.01. */
  tolerance?: string;
}

const key = (formId: string, billNo: string) => `${formId.toLowerCase()}|${billNo}`;
const TERMINAL = new Set<QiaoChain['status']>(['succeeded', 'needs_attention']);

function sameNumber(a: string, b: string, tolerance: Decimal): boolean {
  try {
    return new Decimal(a).minus(new Decimal(b)).abs().lte(tolerance);
  } catch {
    return a === b;
  }
}

function diffsOf(expected: QiaoChain['expected'], doc: ErpDocument, tolerance: Decimal): FieldDiff[] {
  const diffs: FieldDiff[] = [];
  if (expected.customer !== null && expected.customer !== doc.customer) diffs.push({ field: 'customer', expected: expected.customer, actual: doc.customer });
  if (expected.qty !== null && !sameNumber(expected.qty, doc.qty, new Decimal(0))) diffs.push({ field: 'qty', expected: expected.qty, actual: doc.qty });
  if (expected.amount !== null && !sameNumber(expected.amount, doc.amount, tolerance)) diffs.push({ field: 'amount', expected: expected.amount, actual: doc.amount });
  return diffs;
}

interface TypeTally {
  role: string;
  qiaoCount: number;
  erpCount: number;
  qiaoAmount: Decimal;
  erpAmount: Decimal;
  missingInErp: number;
  unknownToQiao: number;
  notRecorded: number;
  mismatched: number;
  duplicates: number;
  flagged: Set<string>;
}

/**
 * Compares Qiao's runs with what the ERP holds. Pure: no I/O, no clock. Each chain is walked stage by
 * stage — the ERP's documents of a stage are those whose source is a document of the stage before —
 * so a document the run never recorded (the response was lost after the ERP committed) is still found.
 */
export function compareDocuments(input: CompareInput): ReconciliationResult {
  const tolerance = new Decimal(input.tolerance ?? '0.01');
  const byKey = new Map<string, ErpDocument>();
  const bySource = new Map<string, ErpDocument[]>();
  for (const doc of input.erp) {
    if (byKey.has(key(doc.formId, doc.billNo))) continue;
    byKey.set(key(doc.formId, doc.billNo), doc);
    for (const src of doc.sourceBillNos) {
      const list = bySource.get(key(doc.formId, src)) ?? [];
      list.push(doc);
      bySource.set(key(doc.formId, src), list);
    }
  }
  const types = new Map<string, TypeTally>();
  const tally = (formId: string): TypeTally => {
    let t = types.get(formId.toLowerCase());
    if (!t) {
      t = { role: documentType(formId).role, qiaoCount: 0, erpCount: 0, qiaoAmount: new Decimal(0), erpAmount: new Decimal(0), missingInErp: 0, unknownToQiao: 0, notRecorded: 0, mismatched: 0, duplicates: 0, flagged: new Set() };
      types.set(formId.toLowerCase(), t);
    }
    return t;
  };
  const formNames = new Map<string, string>();
  const details: Discrepancy[] = [];
  const claimed = new Set<string>();
  const runs = { total: input.chains.length, succeeded: 0, inProgress: 0, needsAttention: 0, cancelled: 0 };
  let shippedNotInvoiced = 0;
  let invoicedNotShipped = 0;

  const flag = (d: Omit<Discrepancy, 'diffs' | 'note'> & { diffs?: FieldDiff[]; note?: string }) => {
    details.push({ diffs: [], note: '', ...d });
    tally(d.formId).flagged.add(d.billNo ?? `${d.runId ?? ''}:${d.kind}`);
  };

  for (const chain of input.chains) {
    if (chain.status === 'succeeded') runs.succeeded += 1;
    else if (chain.status === 'needs_attention') runs.needsAttention += 1;
    else if (chain.status === 'cancelled') runs.cancelled += 1;
    else runs.inProgress += 1;
    const base = { businessKey: chain.businessKey, runId: chain.runId };
    let previous: string[] = chain.rootBillNo ? [chain.rootBillNo] : [];
    const found: Record<string, number> = {};
    chain.stages.forEach((stage, index) => {
      formNames.set(stage.formId.toLowerCase(), stage.formId);
      const t = tally(stage.formId);
      // The stage's ERP documents: the root by its number; later stages by their source, plus any
      // recorded number (a document whose link was lost is still the run's).
      const docs = new Map<string, ErpDocument>();
      if (index === 0) for (const no of previous) {
        const doc = byKey.get(key(stage.formId, no));
        if (doc) docs.set(doc.billNo, doc);
      }
      else for (const src of previous) for (const doc of bySource.get(key(stage.formId, src)) ?? []) docs.set(doc.billNo, doc);
      for (const no of stage.recorded) {
        const doc = byKey.get(key(stage.formId, no));
        if (doc) docs.set(doc.billNo, doc);
      }
      const expectsDocument = chain.status !== 'cancelled';
      if (expectsDocument) {
        t.qiaoCount += Math.max(1, stage.recorded.length);
        if (chain.expected.amount !== null) t.qiaoAmount = t.qiaoAmount.plus(new Decimal(chain.expected.amount).times(Math.max(1, stage.recorded.length)));
      }
      for (const no of stage.recorded) {
        if (!docs.has(no)) {
          t.missingInErp += 1;
          flag({ kind: 'missing_in_erp', formId: stage.formId, billNo: null, ...base, note: `recorded ${no}` });
        }
      }
      if (docs.size === 0 && stage.recorded.length === 0 && expectsDocument && TERMINAL.has(chain.status)) {
        t.missingInErp += 1;
        flag({ kind: 'missing_in_erp', formId: stage.formId, billNo: null, ...base });
      }
      // One document per source document is what a full push makes; more is a duplicate.
      const perSource = index === 0 ? 1 : Math.max(1, previous.length);
      const allowed = Math.max(perSource, stage.recorded.length);
      const ordered = [...docs.values()].sort((a, b) => Number(stage.recorded.includes(b.billNo)) - Number(stage.recorded.includes(a.billNo)) || a.billNo.localeCompare(b.billNo));
      ordered.forEach((doc, i) => {
        claimed.add(key(doc.formId, doc.billNo));
        t.erpCount += 1;
        t.erpAmount = t.erpAmount.plus(doc.amount);
        if (i >= allowed) {
          t.duplicates += 1;
          flag({ kind: 'duplicate', formId: stage.formId, billNo: doc.billNo, ...base, note: `${docs.size} documents for ${previous.join(', ')}` });
        } else if (!stage.recorded.includes(doc.billNo) && chain.status !== 'pending' && chain.status !== 'running') {
          t.notRecorded += 1;
          flag({ kind: 'not_recorded', formId: stage.formId, billNo: doc.billNo, ...base });
        }
        const diffs = diffsOf(chain.expected, doc, tolerance);
        if (diffs.length > 0) {
          t.mismatched += 1;
          flag({ kind: 'mismatch', formId: stage.formId, billNo: doc.billNo, ...base, diffs });
        }
      });
      found[documentType(stage.formId).role] = (found[documentType(stage.formId).role] ?? 0) + docs.size;
      previous = [...new Set([...docs.keys(), ...stage.recorded])];
    });
    const roles = new Set(chain.stages.map((s) => documentType(s.formId).role));
    if (roles.has('outbound') && roles.has('invoice') && TERMINAL.has(chain.status)) {
      const invoiceForm = chain.stages.find((s) => documentType(s.formId).role === 'invoice')?.formId ?? '';
      const outboundForm = chain.stages.find((s) => documentType(s.formId).role === 'outbound')?.formId ?? '';
      if ((found['outbound'] ?? 0) > 0 && (found['invoice'] ?? 0) === 0) {
        shippedNotInvoiced += 1;
        details.push({ kind: 'shipped_not_invoiced', formId: outboundForm, billNo: null, ...base, diffs: [], note: '' });
      }
      if ((found['invoice'] ?? 0) > 0 && (found['outbound'] ?? 0) === 0) {
        invoicedNotShipped += 1;
        details.push({ kind: 'invoiced_not_shipped', formId: invoiceForm, billNo: null, ...base, diffs: [], note: '' });
      }
    }
  }

  let outsidePeriod = 0;
  const seenInPeriod = new Set<string>();
  for (const doc of input.inPeriod) {
    const k = key(doc.formId, doc.billNo);
    if (claimed.has(k) || seenInPeriod.has(k)) continue;
    seenInPeriod.add(k);
    if (input.outsidePeriod.has(doc.billNo)) {
      outsidePeriod += 1;
      continue;
    }
    formNames.set(doc.formId.toLowerCase(), formNames.get(doc.formId.toLowerCase()) ?? doc.formId);
    const t = tally(doc.formId);
    const erpDoc = byKey.get(k);
    t.erpCount += 1;
    if (erpDoc) t.erpAmount = t.erpAmount.plus(erpDoc.amount);
    t.unknownToQiao += 1;
    flag({ kind: 'unknown_to_qiao', formId: doc.formId, billNo: doc.billNo, businessKey: null, runId: null });
  }

  const summaries: TypeSummary[] = [...types.entries()].map(([lower, t]) => {
    const known = Math.max(t.qiaoCount, t.erpCount - t.unknownToQiao) + t.unknownToQiao;
    return {
      formId: formNames.get(lower) ?? lower,
      role: t.role,
      qiaoCount: t.qiaoCount,
      erpCount: t.erpCount,
      qiaoAmount: t.qiaoAmount.toFixed(2),
      erpAmount: t.erpAmount.toFixed(2),
      missingInErp: t.missingInErp,
      unknownToQiao: t.unknownToQiao,
      notRecorded: t.notRecorded,
      mismatched: t.mismatched,
      duplicates: t.duplicates,
      discrepancyRate: known === 0 ? 0 : t.flagged.size / known,
    };
  });
  const ROLE_ORDER = ['order', 'outbound', 'receivable', 'invoice', 'other'];
  summaries.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.formId.localeCompare(b.formId));
  const documents = [...types.values()].reduce((n, t) => n + Math.max(t.qiaoCount, t.erpCount - t.unknownToQiao) + t.unknownToQiao, 0);
  const discrepancies = [...types.values()].reduce((n, t) => n + t.flagged.size, 0) + shippedNotInvoiced + invoicedNotShipped;
  return {
    runs,
    types: summaries,
    shippedNotInvoiced,
    invoicedNotShipped,
    outsidePeriod,
    discrepancies,
    documents,
    discrepancyRate: documents === 0 ? 0 : Math.min(1, discrepancies / documents),
    details,
  };
}
