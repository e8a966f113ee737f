import { createHash } from 'node:crypto';
import type { K3SuccessEntity, OpError } from '../envelope';
import { MsgCode, envelope, opError } from '../envelope';
import { documentForm } from '../forms/registry';
import type { DocStatus, DocumentFormDef } from '../forms/types';
import type { InsertedBill } from '../store/documents';
import { findBill, insertBill, insertLinks, loadEntries, updateBill } from '../store/documents';
import { isUniqueViolation, withTransaction } from '../store/pool';
import type { Pool, PoolClient } from 'pg';
import type { ServiceCall, ServiceOutcome, SimContext } from './context';
import type { NormalizedDoc } from './model';
import { normalizeModel } from './model';
import { billToModel, mergeModel } from './model-merge';
import type { Json } from './request';
import { asBool, asList, asString, isObject, isOpError, pick, writeRequest } from './request';
import { runStatusOp, statusOptions } from './status';

export type SaveOp = 'Save' | 'BatchSave' | 'Draft';

interface SaveOptions {
  op: SaveOp;
  needUpdateFields: string[];
  needReturnFields: string[];
  deleteMissingEntries: boolean;
  autoSubmitAndAudit: boolean;
  data: Json;
}

interface Saved {
  id: string;
  billNo: string;
  status: DocStatus;
  entryIds: string[];
}

const MAX_NUMBER_ATTEMPTS = 20;

function duplicateNumber(form: DocumentFormDef, billNo: string): OpError {
  return opError(MsgCode.ValidationFailed, `${form.title}的单据编号“${billNo}”已经存在，单据编号不允许重复`, 'FBillNo');
}

/** Inserts with auto-numbering retried past numbers a client already took by hand. */
export async function insertWithNumber(
  db: Pool | PoolClient,
  form: DocumentFormDef,
  doc: NormalizedDoc,
  status: DocStatus,
): Promise<InsertedBill | OpError> {
  for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
    const inserted = await insertBill(db, form, doc, status);
    if (inserted) return inserted;
    if (doc.billNo !== null) return duplicateNumber(form, doc.billNo);
  }
  return opError(MsgCode.DatabaseError, `${form.title}自动编号失败`);
}

/** Creates a bill (and its hand-built link rows, if any) — one statement unless links need a second. */
export async function createBill(
  pool: Pool,
  form: DocumentFormDef,
  doc: NormalizedDoc,
  status: DocStatus,
): Promise<InsertedBill | OpError> {
  const hasLinks = doc.entries.some((e) => e.links.length > 0);
  if (!hasLinks) return insertWithNumber(pool, form, doc, status);
  return withTransaction(pool, async (client) => {
    const inserted = await insertWithNumber(client, form, doc, status);
    if (isOpError(inserted)) return inserted;
    const links = doc.entries.flatMap((e, i) => e.links.map((l) => ({ ...l, targetEntryId: inserted.entryIds[i] ?? '' })));
    await insertLinks(client, form.formId, inserted.id, links);
    return inserted;
  });
}

async function createOne(ctx: SimContext, form: DocumentFormDef, model: Json, opts: SaveOptions): Promise<Saved | OpError[]> {
  const mode = opts.op === 'Draft' ? 'draft' : 'save';
  const { doc, errors } = normalizeModel(form, model, ctx.master, mode);
  if (errors.length > 0) return errors;
  const status: DocStatus = opts.op === 'Draft' ? 'Z' : 'A';
  const inserted = await createBill(ctx.pool, form, doc, status);
  if (isOpError(inserted)) return [inserted];
  return { ...inserted, status };
}

async function updateOne(ctx: SimContext, form: DocumentFormDef, model: Json, opts: SaveOptions): Promise<Saved | OpError[]> {
  const fid = asString(pick(model, 'FID'))?.trim() ?? '';
  try {
    return await withTransaction(ctx.pool, async (client) => {
      const bill = await findBill(client, form.formId, { id: fid }, true);
      if (!bill) return [opError(MsgCode.NotFound, `内码为“${fid}”的${form.title}不存在或已被删除`, 'FID')];
      if (!['Z', 'A', 'D'].includes(bill.status)) {
        return [opError(MsgCode.NotAllowed, `单据“${bill.billNo}”已提交或已审核，不允许修改`)];
      }
      const stored = billToModel(form, bill, await loadEntries(client, [bill.id]));
      const merged = mergeModel(form, stored, model, opts);
      const { doc, errors } = normalizeModel(form, merged, ctx.master, opts.op === 'Draft' ? 'draft' : 'save');
      if (errors.length > 0) return errors;
      // Saving a draft makes it a created bill; A and D keep their status.
      const status: DocStatus = opts.op === 'Draft' ? bill.status : bill.status === 'Z' ? 'A' : bill.status;
      const entryIds = await updateBill(client, bill.id, doc, status);
      const links = doc.entries.flatMap((e, i) => (e.id === null ? e.links.map((l) => ({ ...l, targetEntryId: entryIds[i] ?? '' })) : []));
      await insertLinks(client, form.formId, bill.id, links);
      return { id: bill.id, billNo: doc.billNo ?? bill.billNo, status, entryIds };
    });
  } catch (err) {
    if (isUniqueViolation(err)) return [duplicateNumber(form, asString(pick(model, 'FBillNo')) ?? '')];
    throw err;
  }
}

/** NeedReturnFields: FBillNo, FID, FDocumentStatus and <EntryKey>.FEntryID / FEntryID. */
function needReturnData(form: DocumentFormDef, saved: Saved, fields: readonly string[]): Json {
  const out: Json = {};
  for (const field of fields) {
    const lower = field.toLowerCase();
    if (lower === 'fbillno') out[field] = saved.billNo;
    else if (lower === 'fid') out[field] = Number(saved.id);
    else if (lower === 'fdocumentstatus') out[field] = saved.status;
    else if (lower === 'fentryid' || lower === `${form.entryKey.toLowerCase()}.fentryid` || lower === `${form.entryKey.toLowerCase()}_fentryid`) {
      out[form.entryKey] = saved.entryIds.map((id) => ({ FEntryID: Number(id) }));
    }
  }
  return out;
}

async function rememberPacket(ctx: SimContext, formId: string, data: Json): Promise<string | null> {
  const digest = createHash('sha256').update(JSON.stringify(data)).digest('hex');
  const result = await ctx.pool.query(
    'INSERT INTO k3sim.repeat_json (form_id, digest) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING digest',
    [formId, digest],
  );
  return result.rowCount === 1 ? digest : null;
}

function saveOptions(op: SaveOp, data: Json): SaveOptions {
  return {
    op,
    data,
    needUpdateFields: asList(pick(data, 'NeedUpDateFields')),
    needReturnFields: asList(pick(data, 'NeedReturnFields')),
    deleteMissingEntries: asBool(pick(data, 'IsDeleteEntry'), true),
    autoSubmitAndAudit: asBool(pick(data, 'IsAutoSubmitAndAudit'), false),
  };
}

/** Save, BatchSave and Draft. Each Model is saved on its own; DIndex points failures at the Model. */
export function saveService(op: SaveOp) {
  return async (ctx: SimContext, call: ServiceCall): Promise<ServiceOutcome> => {
    const req = writeRequest(call.body);
    if (isOpError(req)) return { body: envelope({ errors: [req] }) };
    const form = documentForm(req.formId);
    if (!form) {
      return { body: envelope({ errors: [opError(MsgCode.BadParameter, `表单“${req.formId}”不存在或不支持保存`)] }), formId: req.formId };
    }
    const rawModel = pick(req.data, 'Model');
    const models = Array.isArray(rawModel) && op === 'BatchSave' ? rawModel : [rawModel];
    if (models.length === 0 || !models.every(isObject)) {
      return { body: envelope({ errors: [opError(MsgCode.BadParameter, '参数 Model 格式错误')] }), formId: form.formId };
    }
    const opts = saveOptions(op, req.data);
    let digest: string | null = null;
    if (asBool(pick(req.data, 'ValidateRepeatJson'), false)) {
      digest = await rememberPacket(ctx, form.formId, req.data);
      if (digest === null) {
        return { body: envelope({ errors: [opError(MsgCode.ValidationFailed, '数据包重复：相同的数据包已经提交过，不允许重复提交')] }), formId: form.formId };
      }
    }
    const successes: K3SuccessEntity[] = [];
    const errors: OpError[] = [];
    const returned: Json[] = [];
    for (const [dIndex, model] of models.entries()) {
      const fid = asString(pick(model, 'FID'))?.trim() ?? '';
      const result = fid !== '' && fid !== '0' ? await updateOne(ctx, form, model, opts) : await createOne(ctx, form, model, opts);
      if (Array.isArray(result)) {
        errors.push(...result.map((e) => ({ ...e, dIndex })));
        continue;
      }
      successes.push({ Id: Number(result.id), Number: result.billNo, DIndex: dIndex });
      returned.push(needReturnData(form, result, opts.needReturnFields));
      if (opts.autoSubmitAndAudit && op !== 'Draft') {
        for (const step of ['Submit', 'Audit'] as const) {
          const r = await runStatusOp(ctx, form, { op: step, targets: { numbers: [], ids: [result.id] }, options: statusOptions(req.data) });
          errors.push(...r.errors.map((e) => ({ ...e, dIndex })));
          if (r.errors.length > 0) break;
        }
      }
    }
    if (digest !== null && successes.length === 0) {
      // Nothing was saved, so the same packet may be sent again.
      await ctx.pool.query('DELETE FROM k3sim.repeat_json WHERE form_id = $1 AND digest = $2', [form.formId, digest]);
    }
    return { body: envelope({ successes, errors, needReturnData: returned }), formId: form.formId };
  };
}
