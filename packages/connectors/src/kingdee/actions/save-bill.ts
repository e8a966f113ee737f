import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import { ConnectorError } from '../../kit/errors/connector-error';
import { UserError } from '../../kit/errors/user-error';
import type { KingdeeContext } from '../auth';
import { envelopeError, requireEnvelope, type KingdeeEnvelope } from '../envelope';
import { SYSTEM } from '../errors';
import { advanceBills, derivedBillNo, findBillsByField, type BillState, type KingdeeDeps } from '../idempotency';
import { createKingdeeTransport } from '../transport';

const input = z.object({
  /** e.g. SAL_SaleOrder */
  formId: z.string().min(1),
  /** The bill as Kingdee's Save expects it in `Model` (base data as { FNumber }). */
  model: z.record(z.string(), z.unknown()),
  /** External number written to `numberField` (e.g. the customer's order number). Derived from the step when absent. */
  billNo: z.string().trim().min(1).max(80).optional(),
  /**
   * Header field that carries the external number and is searched before saving. Default FBillNo.
   * Set a unique custom field (e.g. F_ABC_ExtNo) when the form's numbering rule does not allow
   * manual numbers: Kingdee then numbers FBillNo itself.
   */
  numberField: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a header field key such as FBillNo or F_ABC_ExtNo').optional(),
  submit: z.boolean().default(false),
  /** Implies submit. */
  audit: z.boolean().default(false),
  needReturnFields: z.array(z.string().min(1)).optional(),
  options: z
    .object({
      /** Kingdee rejects an identical JSON packet sent twice. */
      validateRepeatJson: z.boolean().optional(),
      /** e.g. STK_InvCheckResult to allow negative stock; also used for the audit. */
      interationFlags: z.string().optional(),
      /** Kingdee's default true deletes entries missing from Model on update. */
      isDeleteEntry: z.boolean().optional(),
    })
    .optional(),
});

const output = z.object({
  id: z.string(),
  number: z.string(),
  /** FDocumentStatus after this step: A created, B submitted, C audited. */
  status: z.string(),
  /** False when the bill already existed (a retry, or the number was used before) and was reused. */
  created: z.boolean(),
  returnData: z.unknown().optional(),
});

type Input = z.output<typeof input>;

const DUPLICATE_TEXT = /重复|已存在|已经存在|唯一|duplicate|already exists|unique/i;

export const saveBill = defineAction({
  id: 'saveBill',
  name: { en: 'Save bill', 'zh-CN': '保存单据' },
  description: {
    en: 'Creates a bill (optionally submits and audits it). Safe to retry: the bill number is looked up before saving.',
    'zh-CN': '新建单据（可自动提交、审核）。可安全重试：保存前先按单据编号查找。',
  },
  input,
  output,
  async run(ctx: KingdeeContext, params) {
    const deps: KingdeeDeps = { transport: createKingdeeTransport(ctx), logger: ctx.logger };
    const field = params.numberField ?? 'FBillNo';
    const given = givenNumber(params, field);
    const advance = async (bill: BillState) => {
      const [advanced] = await advanceBills(deps, {
        formId: params.formId,
        bills: [bill],
        submit: params.submit,
        audit: params.audit,
        interationFlags: params.options?.interationFlags,
      });
      return advanced ?? bill;
    };

    if (isUpdate(params.model)) {
      // Writing the same values twice leaves the same bill, so an update needs no look-up first;
      // and its number is left alone unless one is given.
      const attempt = await save(deps, { params, field, number: given });
      if (!attempt.ok) throw envelopeError(attempt.envelope, `Save ${params.formId}`);
      const { saved } = attempt;
      const state = saved.number ? await findExisting(deps, { formId: params.formId, field: 'FBillNo', number: saved.number }) : undefined;
      return result({ bill: await advance(state ?? { ...saved, status: 'A' }), created: false, returnData: saved.returnData });
    }

    const number = given ?? derivedBillNo(ctx.idempotencyKey);
    // Always look first, not only on attempt > 1: a step re-run after a worker crash may still
    // be attempt 1, and a caller-given number may come from an earlier run. One indexed query.
    const existing = await findExisting(deps, { formId: params.formId, field, number });
    if (existing) {
      ctx.logger.info('kingdee bill already exists; continuing from its state', { formId: params.formId, field, number, status: existing.status });
      return result({ bill: await advance(existing), created: false });
    }

    const attempt = await save(deps, { params, field, number });
    if (!attempt.ok) {
      const found = isDuplicateNumber(attempt.envelope, number) ? await findExisting(deps, { formId: params.formId, field, number }) : undefined;
      if (!found) throw envelopeError(attempt.envelope, `Save ${params.formId}`);
      ctx.logger.info('kingdee bill number already taken by an existing bill; reusing it', { formId: params.formId, field, number });
      return result({ bill: await advance(found), created: false });
    }
    const { saved } = attempt;
    // A numbering rule that does not allow manual numbers makes Kingdee ignore FBillNo. The bill
    // then cannot be found again by the number sent, so a retry would create a second one: stop.
    if (field === 'FBillNo' && saved.number !== number) throw numberReplaced({ formId: params.formId, sent: number, saved });
    return result({ bill: await advance({ ...saved, status: 'A' }), created: true, returnData: saved.returnData });
  },
});

/**
 * Not retryable: every retry would create one more bill. The message names the bill that was
 * created so an operator can find it (it is saved, neither submitted nor audited).
 */
function numberReplaced(args: { formId: string; sent: string; saved: SaveResult }): ConnectorError {
  const { formId, sent, saved } = args;
  const created = saved.id ? `${saved.number} (FID ${saved.id})` : saved.number;
  return new ConnectorError({
    system: SYSTEM,
    code: 'bill_number_replaced',
    message:
      `Save ${formId} created bill ${created}, but Kingdee numbered it itself instead of using "${sent}": the form's numbering rule does not allow manual numbers. ` +
      `The bill cannot be found again by "${sent}", so running this step again would create another bill; it is not retried. ` +
      `Bill ${saved.number} is saved but not submitted or audited: check it, and delete it or finish it by hand before running the step again. ` +
      `To fix: allow manual numbers in the numbering rule (编码规则: 允许手工录入) of ${formId} for the bill type used, ` +
      `or keep Kingdee's numbering and map the external number to a unique custom field: add one to the form and set the step's numberField to it (e.g. F_ABC_ExtNo).`,
    retryable: false,
    detail: { formId, sentNumber: sent, createdNumber: saved.number, createdId: saved.id },
  });
}

/** The caller's number, from `billNo` or the model's number field (they must agree). */
function givenNumber(params: Input, field: string): string | undefined {
  const value = params.model[field];
  const inModel = typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
  if (params.billNo && inModel && params.billNo !== inModel) {
    throw new UserError({
      code: 'conflicting_bill_no',
      path: ['billNo'],
      message: { en: `billNo "${params.billNo}" differs from model.${field} "${inModel}"`, 'zh-CN': `billNo「${params.billNo}」与 model.${field}「${inModel}」不一致` },
    });
  }
  return params.billNo ?? inModel;
}

function isUpdate(model: Record<string, unknown>): boolean {
  const fid = model.FID;
  return fid !== undefined && fid !== null && fid !== '' && String(fid) !== '0';
}

async function findExisting(deps: KingdeeDeps, args: { formId: string; field: string; number: string }): Promise<BillState | undefined> {
  const bills = await findBillsByField(deps, { formId: args.formId, field: args.field, values: [args.number] });
  const found = bills.find((b) => b.key === args.number);
  return found && { id: found.id, number: found.number, status: found.status };
}

interface SaveResult {
  id: string;
  number: string;
  returnData: unknown;
}

async function save(
  deps: KingdeeDeps,
  args: { params: Input; field: string; number: string | undefined },
): Promise<{ ok: true; saved: SaveResult } | { ok: false; envelope: KingdeeEnvelope }> {
  const { params, field, number } = args;
  const options = params.options ?? {};
  const model = number === undefined ? { FID: 0, ...params.model } : { FID: 0, ...params.model, [field]: number };
  const data: Record<string, unknown> = { Model: model };
  if (params.needReturnFields) data.NeedReturnFields = params.needReturnFields;
  if (options.validateRepeatJson !== undefined) data.ValidateRepeatJson = String(options.validateRepeatJson);
  if (options.interationFlags) data.InterationFlags = options.interationFlags;
  if (options.isDeleteEntry !== undefined) data.IsDeleteEntry = String(options.isDeleteEntry);

  const answer = await deps.transport.call('DynamicFormService.Save', { formid: params.formId, data });
  const envelope = requireEnvelope(answer, `Save ${params.formId}`);
  if (!envelope.isSuccess) return { ok: false, envelope };
  const entity = envelope.successEntities[0];
  return {
    ok: true,
    // Without a number in the answer, assume the one sent (only meaningful when it went to FBillNo).
    saved: { id: entity?.id || envelope.id || '', number: entity?.number || envelope.number || (field === 'FBillNo' ? number : undefined) || '', returnData: envelope.needReturnData },
  };
}

/** Kingdee's own unique-number check fired: the bill exists (e.g. saved by a lost earlier try). */
function isDuplicateNumber(envelope: KingdeeEnvelope, number: string): boolean {
  return envelope.errors.some((e) => e.message.includes(number) && (envelope.msgCode === 11 || DUPLICATE_TEXT.test(e.message)));
}

function result(args: { bill: BillState; created: boolean; returnData?: unknown }): z.output<typeof output> {
  const { bill } = args;
  const out: z.output<typeof output> = { id: bill.id, number: bill.number, status: bill.status, created: args.created };
  if (args.returnData !== undefined) out.returnData = args.returnData;
  return out;
}
