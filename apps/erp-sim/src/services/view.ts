import { MsgCode, envelope, opError } from '../envelope';
import { documentForm } from '../forms/registry';
import type { DocumentFormDef } from '../forms/types';
import type { BillRow, EntryRow, SourceLink } from '../store/documents';
import { findBill, linksOfTarget, loadEntries } from '../store/documents';
import type { MasterData, MasterKind } from '../store/master-data';
import type { ServiceCall, ServiceOutcome, SimContext } from './context';
import { k3Date, k3DateTime } from './format';
import { EXT_NO_KEY } from './model';
import type { Json } from './request';
import { asString, isOpError, pick, writeRequest } from './request';

function refObject(master: MasterData, kind: MasterKind, number: string | null): Json | null {
  if (number === null) return null;
  return { Id: master.id(kind, number), FNumber: number, FName: master.name(kind, number) };
}

function entryObject(form: DocumentFormDef, master: MasterData, row: EntryRow, links: readonly SourceLink[]): Json {
  const e = form.entry;
  const link = links[0];
  const out: Json = { ...row.extra, Id: Number(row.id), FEntryID: Number(row.id), FSeq: row.seq };
  out[e.material] = refObject(master, 'material', row.material);
  out[e.unit] = row.unit === null ? null : { FNumber: row.unit };
  out[e.qty] = Number(row.qty);
  out[e.taxPrice] = Number(row.taxPrice);
  out[e.taxRate] = Number(row.taxRate);
  out.FPrice = Number(row.price);
  out.FAllAmount = Number(row.allAmount);
  out.FAmount = Number(row.amount);
  out.FTaxAmount = Number(row.taxAmount);
  if (e.deliveryDate) out[e.deliveryDate] = k3Date(row.deliveryDate);
  if (e.stock) out[e.stock.key] = refObject(master, 'stock', row.stock);
  out.FSrcBillNo = link?.sourceBillNo ?? null;
  out.FSrcBillType = link?.sourceForm ?? null;
  out[`${form.entryKey}_Link`] = links.map((l) => ({
    [`${form.entryKey}_Link_FRuleId`]: l.ruleId,
    [`${form.entryKey}_Link_FSBillId`]: Number(l.sourceBillId),
    [`${form.entryKey}_Link_FSId`]: Number(l.sourceEntryId),
    [`${form.entryKey}_Link_FSTableName`]: l.sourceForm,
  }));
  return out;
}

/** The bill as View returns it: F-keyed header fields, base data as {Id,FNumber,FName}, entries as an array. */
export interface StoredBill {
  bill: BillRow;
  entries: readonly EntryRow[];
  links: readonly SourceLink[];
}

export function billObject(form: DocumentFormDef, master: MasterData, stored: StoredBill): Json {
  const { bill, entries, links } = stored;
  const out: Json = {
    ...bill.header,
    Id: Number(bill.id),
    FID: Number(bill.id),
    FBillNo: bill.billNo,
    FDocumentStatus: bill.status,
    FDate: k3Date(bill.billDate),
    FCreateDate: k3DateTime(bill.createdAt),
    FModifyDate: k3DateTime(bill.modifiedAt),
    FApproveDate: k3DateTime(bill.approvedAt),
    FBillAllAmount: Number(bill.allAmount),
    FBillAmount: Number(bill.amount),
    FBillTaxAmount: Number(bill.taxAmount),
  };
  out[form.customer.key] = refObject(master, 'customer', bill.customer);
  for (const org of form.orgs) out[org.key] = refObject(master, 'organization', org.column === 'main_org' ? bill.mainOrg : bill.secondOrg);
  if (bill.extNo !== null) out[EXT_NO_KEY] = bill.extNo;
  out[form.entryKey] = entries.map((row) => entryObject(form, master, row, links.filter((l) => l.targetEntryId === row.id)));
  return out;
}

export async function viewService(ctx: SimContext, call: ServiceCall): Promise<ServiceOutcome> {
  const req = writeRequest(call.body);
  if (isOpError(req)) return { body: envelope({ errors: [req] }) };
  const form = documentForm(req.formId);
  if (!form) return { body: envelope({ errors: [opError(MsgCode.BadParameter, `表单“${req.formId}”不存在或不支持查看`)] }) };
  const number = asString(pick(req.data, 'Number'))?.trim() ?? '';
  const id = asString(pick(req.data, 'Id'))?.trim() ?? '';
  if (number === '' && (id === '' || id === '0')) {
    return { body: envelope({ errors: [opError(MsgCode.EmptyBillId, '参数 Number 和 Id 不能同时为空')] }) };
  }
  const bill = await findBill(ctx.pool, form.formId, number !== '' ? { billNo: number } : { id });
  if (!bill) {
    return { body: envelope({ errors: [opError(MsgCode.NotFound, `${form.title}“${number !== '' ? number : id}”不存在`)] }) };
  }
  const [entries, links] = await Promise.all([loadEntries(ctx.pool, [bill.id]), linksOfTarget(ctx.pool, bill.id)]);
  const { Result } = envelope({});
  return { body: { Result: { ResponseStatus: Result.ResponseStatus, Result: billObject(form, ctx.master, { bill, entries, links }) } } };
}
