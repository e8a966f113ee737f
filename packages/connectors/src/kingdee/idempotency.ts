import { createHash } from 'node:crypto';
import type { Logger } from '../kit/context';
import { envelopeError, requireEnvelope } from './envelope';
import { executeBillQuery, filterEquals } from './query';
import type { KingdeeTransport } from './transport';

/**
 * Kingdee's Save and Push are not idempotent: a retry after a lost answer creates a second bill.
 * So every write carries something we can find again (an external number in the unique FBillNo,
 * or the source number a pushed bill links to), and we look before we write. Status changes are
 * made idempotent by reading the status when Kingdee refuses one.
 */

export interface KingdeeDeps {
  transport: KingdeeTransport;
  logger: Logger;
}

export interface BillState {
  id: string;
  number: string;
  /** FDocumentStatus: Z draft, A created, B submitted, C audited, D re-opened. */
  status: string;
}

/** Same key, same number: `QIAO-` + 16 upper-case hex digits of SHA-256 of the key. */
export function derivedBillNo(idempotencyKey: string): string {
  return `QIAO-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16).toUpperCase()}`;
}

const STATE_FIELDS = ['FID', 'FBillNo', 'FDocumentStatus'] as const;

function toBillState(row: Record<string, unknown>): BillState {
  return { id: String(row.FID ?? ''), number: String(row.FBillNo ?? ''), status: String(row.FDocumentStatus ?? '') };
}

/** One state per bill (a query can repeat a header once per entry row). */
export function uniqueBills<T extends BillState>(bills: readonly T[]): T[] {
  const seen = new Map<string, T>();
  for (const bill of bills) {
    const key = `${bill.id}\u0000${bill.number}`;
    if (!seen.has(key)) seen.set(key, bill);
  }
  return [...seen.values()];
}

export async function findBillsByNumber(
  deps: KingdeeDeps,
  args: { formId: string; numbers: readonly string[] },
): Promise<BillState[]> {
  if (args.numbers.length === 0) return [];
  const rows = await executeBillQuery(deps.transport, { formId: args.formId, fieldKeys: STATE_FIELDS, filter: filterEquals('FBillNo', args.numbers) });
  return uniqueBills(rows.map(toBillState));
}

export interface KeyedBill extends BillState {
  /** The value of the field that was searched. */
  key: string;
}

/**
 * Bills whose `field` holds one of `values`: FBillNo, or a (unique) custom field that carries an
 * external number when the numbering rule does not let FBillNo be set by hand.
 */
export async function findBillsByField(
  deps: KingdeeDeps,
  args: { formId: string; field: string; values: readonly string[] },
): Promise<KeyedBill[]> {
  if (args.values.length === 0) return [];
  const fieldKeys = args.field === 'FBillNo' ? STATE_FIELDS : [...STATE_FIELDS, args.field];
  const rows = await executeBillQuery(deps.transport, { formId: args.formId, fieldKeys, filter: filterEquals(args.field, args.values) });
  return uniqueBills(rows.map((row) => ({ ...toBillState(row), key: String(row[args.field] ?? '') })));
}

export interface PushedTarget extends BillState {
  sourceNumber: string;
}

/** Bills of the target form whose entries link to the given source numbers. */
export async function findTargetsBySource(
  deps: KingdeeDeps,
  args: { targetFormId: string; sourceNumbers: readonly string[]; sourceField: string },
): Promise<PushedTarget[]> {
  const rows = await executeBillQuery(deps.transport, {
    formId: args.targetFormId,
    fieldKeys: [...STATE_FIELDS, args.sourceField],
    filter: filterEquals(args.sourceField, args.sourceNumbers),
  });
  return rows.map((row) => ({ ...toBillState(row), sourceNumber: String(row[args.sourceField] ?? '') }));
}

export type StatusOperation = 'Submit' | 'Audit' | 'UnAudit';

const STATUS_AFTER: Record<StatusOperation, (status: string) => boolean> = {
  Submit: (s) => s === 'B' || s === 'C',
  Audit: (s) => s === 'C',
  UnAudit: (s) => s !== 'C',
};

/**
 * Submit/Audit/UnAudit by numbers. When Kingdee refuses, the bills' status is read: if every bill
 * is already where the operation would put it (a retry after a lost answer, or someone was
 * faster), the operation counts as done; otherwise Kingdee's refusal stands.
 */
export async function runStatusOperation(
  deps: KingdeeDeps,
  args: { formId: string; numbers: readonly string[]; operation: StatusOperation; extra?: Record<string, unknown> },
): Promise<void> {
  const { formId, numbers, operation } = args;
  const body = { formid: formId, data: { CreateOrgId: 0, Numbers: numbers, Ids: '', ...args.extra } };
  const answer = await deps.transport.call(`DynamicFormService.${operation}`, body);
  const envelope = requireEnvelope(answer, `${operation} ${formId}`);
  if (envelope.isSuccess) return;
  const bills = await findBillsByNumber(deps, { formId, numbers });
  const done = numbers.every((n) => bills.some((b) => b.number === n && STATUS_AFTER[operation](b.status)));
  if (!done) throw envelopeError(envelope, `${operation} ${formId}`);
  deps.logger.info('kingdee bills already in the requested state', { formId, operation, numbers });
}

const RANK: Record<string, number> = { Z: 0, A: 1, D: 1, B: 2, C: 3 };

/**
 * Moves bills forward to the requested state, skipping what is already done: A/D → Submit → B,
 * B → Audit → C. `audit` implies `submit`, since Kingdee audits only submitted bills.
 */
export async function advanceBills(
  deps: KingdeeDeps,
  args: { formId: string; bills: readonly BillState[]; submit: boolean; audit: boolean; interationFlags?: string | undefined },
): Promise<BillState[]> {
  const target = args.audit ? 3 : args.submit ? 2 : 0;
  let bills = args.bills.map((b) => ({ ...b }));
  const below = (rank: number) => bills.filter((b) => (RANK[b.status] ?? 0) < rank).map((b) => b.number);

  const toSubmit = target >= 2 ? below(2) : [];
  if (toSubmit.length > 0) {
    await runStatusOperation(deps, { formId: args.formId, numbers: toSubmit, operation: 'Submit' });
    bills = bills.map((b) => (toSubmit.includes(b.number) ? { ...b, status: 'B' } : b));
  }
  const toAudit = target >= 3 ? below(3) : [];
  if (toAudit.length > 0) {
    const extra: Record<string, unknown> = { IsVerifyProcInst: 'true' };
    if (args.interationFlags) extra.InterationFlags = args.interationFlags;
    await runStatusOperation(deps, { formId: args.formId, numbers: toAudit, operation: 'Audit', extra });
    bills = bills.map((b) => (toAudit.includes(b.number) ? { ...b, status: 'C' } : b));
  }
  return bills;
}
