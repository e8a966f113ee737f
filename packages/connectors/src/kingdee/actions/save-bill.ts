import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import { UserError } from '../../kit/errors/user-error';
import type { KingdeeContext } from '../auth';
import { envelopeError, requireEnvelope, type KingdeeEnvelope } from '../envelope';
import { advanceBills, derivedBillNo, findBillsByNumber, type BillState, type KingdeeDeps } from '../idempotency';
import { createKingdeeTransport } from '../transport';

const input = z.object({
  /** e.g. SAL_SaleOrder */
  formId: z.string().min(1),
  /** The bill as Kingdee's Save expects it in `Model` (base data as { FNumber }). */
  model: z.record(z.string(), z.unknown()),
  /** External number written to FBillNo (e.g. the customer's order number). Derived from the step when absent. */
  billNo: z.string().trim().min(1).max(80).optional(),
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
    const given = givenNumber(params);
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
      const attempt = await save(deps, params, given);
      if (!attempt.ok) throw envelopeError(attempt.envelope, `Save ${params.formId}`);
      const { saved } = attempt;
      const state = saved.number ? await findExisting(deps, { formId: params.formId, number: saved.number }) : undefined;
      return result({ bill: await advance(state ?? { ...saved, status: 'A' }), created: false, returnData: saved.returnData });
    }

    const number = given ?? derivedBillNo(ctx.idempotencyKey);
    // Always look first, not only on attempt > 1: a step re-run after a worker crash may still
    // be attempt 1, and a caller-given number may come from an earlier run. One indexed query.
    const existing = await findExisting(deps, { formId: params.formId, number });
    if (existing) {
      ctx.logger.info('kingdee bill already exists; continuing from its state', { formId: params.formId, number, status: existing.status });
      return result({ bill: await advance(existing), created: false });
    }

    const attempt = await save(deps, params, number);
    if (!attempt.ok) {
      const found = isDuplicateNumber(attempt.envelope, number) ? await findExisting(deps, { formId: params.formId, number }) : undefined;
      if (!found) throw envelopeError(attempt.envelope, `Save ${params.formId}`);
      ctx.logger.info('kingdee bill number already taken by an existing bill; reusing it', { formId: params.formId, number });
      return result({ bill: await advance(found), created: false });
    }
    const { saved } = attempt;
    return result({ bill: await advance({ ...saved, status: 'A' }), created: true, returnData: saved.returnData });
  },
});

/** The caller's number, from `billNo` or `model.FBillNo` (they must agree). */
function givenNumber(params: Input): string | undefined {
  const inModel = typeof params.model.FBillNo === 'string' && params.model.FBillNo.trim() !== '' ? params.model.FBillNo.trim() : undefined;
  if (params.billNo && inModel && params.billNo !== inModel) {
    throw new UserError({
      code: 'conflicting_bill_no',
      path: ['billNo'],
      message: { en: `billNo "${params.billNo}" differs from model.FBillNo "${inModel}"`, 'zh-CN': `billNo「${params.billNo}」与 model.FBillNo「${inModel}」不一致` },
    });
  }
  return params.billNo ?? inModel;
}

function isUpdate(model: Record<string, unknown>): boolean {
  const fid = model.FID;
  return fid !== undefined && fid !== null && fid !== '' && String(fid) !== '0';
}

async function findExisting(deps: KingdeeDeps, args: { formId: string; number: string }): Promise<BillState | undefined> {
  const bills = await findBillsByNumber(deps, { formId: args.formId, numbers: [args.number] });
  return bills.find((b) => b.number === args.number);
}

interface SaveResult {
  id: string;
  number: string;
  returnData: unknown;
}

async function save(deps: KingdeeDeps, params: Input, number: string | undefined): Promise<{ ok: true; saved: SaveResult } | { ok: false; envelope: KingdeeEnvelope }> {
  const options = params.options ?? {};
  const model = number === undefined ? { FID: 0, ...params.model } : { FID: 0, ...params.model, FBillNo: number };
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
    saved: { id: entity?.id || envelope.id || '', number: entity?.number || envelope.number || number || '', returnData: envelope.needReturnData },
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
