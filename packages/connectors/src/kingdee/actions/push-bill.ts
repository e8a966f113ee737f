import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import { ConnectorError } from '../../kit/errors/connector-error';
import type { KingdeeContext } from '../auth';
import { expectSuccess } from '../envelope';
import { SYSTEM } from '../errors';
import { advanceBills, findTargetsBySource, uniqueBills, type BillState, type KingdeeDeps } from '../idempotency';
import { createKingdeeTransport } from '../transport';

const input = z.object({
  /** e.g. SAL_SaleOrder */
  sourceFormId: z.string().min(1),
  sourceNumbers: z.array(z.string().trim().min(1)).min(1).max(500),
  /** Conversion rule, e.g. SaleOrder-OutStock */
  ruleId: z.string().min(1),
  /** e.g. SAL_OUTSTOCK */
  targetFormId: z.string().min(1),
  targetBillTypeId: z.string().optional(),
  targetOrgId: z.int().nonnegative().optional(),
  submit: z.boolean().default(false),
  /** Implies submit. */
  audit: z.boolean().default(false),
  interationFlags: z.string().optional(),
  /** Target field holding the source bill number, used to find what an earlier try pushed. */
  sourceNumberField: z.string().min(1).default('FSrcBillNo'),
  /**
   * When to look for targets an earlier try created before pushing: on retries only (default;
   * a source may legitimately be pushed more than once, e.g. partial deliveries) or always.
   */
  reuseExisting: z.enum(['onRetry', 'always']).default('onRetry'),
});

const output = z.object({
  targets: z.array(z.object({ id: z.string(), number: z.string() })),
  /** False when every target already existed and was reused. */
  created: z.boolean(),
});

type Input = z.output<typeof input>;

export const pushBill = defineAction({
  id: 'pushBill',
  name: { en: 'Push bill (下推)', 'zh-CN': '下推单据' },
  description: {
    en: 'Creates target bills from source bills by a conversion rule (e.g. order → outbound); optionally submits and audits them. Safe to retry.',
    'zh-CN': '按转换规则由源单生成目标单（如销售订单→销售出库单），可自动提交、审核。可安全重试。',
  },
  input,
  output,
  async run(ctx: KingdeeContext, params) {
    const deps: KingdeeDeps = { transport: createKingdeeTransport(ctx), logger: ctx.logger };
    let existing: BillState[] = [];
    let toPush = params.sourceNumbers;
    if (ctx.attempt > 1 || params.reuseExisting === 'always') {
      const found = await findTargetsBySource(deps, {
        targetFormId: params.targetFormId,
        sourceNumbers: params.sourceNumbers,
        sourceField: params.sourceNumberField,
      });
      const covered = new Set(found.map((t) => t.sourceNumber));
      existing = uniqueBills(found.map(({ id, number, status }) => ({ id, number, status })));
      // Push only the sources an earlier try did not get to.
      toPush = params.sourceNumbers.filter((n) => !covered.has(n));
      if (existing.length > 0) {
        ctx.logger.info('kingdee push targets already exist; reusing them', { targetFormId: params.targetFormId, targets: existing.map((t) => t.number), stillToPush: toPush });
      }
    }

    const pushed = toPush.length > 0 ? await push(deps, { ...params, sourceNumbers: toPush }) : [];
    const targets = await advanceBills(deps, {
      formId: params.targetFormId,
      bills: [...existing, ...pushed],
      submit: params.submit,
      audit: params.audit,
      interationFlags: params.interationFlags,
    });
    return { targets: targets.map(({ id, number }) => ({ id, number })), created: pushed.length > 0 };
  },
});

async function push(deps: KingdeeDeps, params: Input): Promise<BillState[]> {
  const answer = await deps.transport.call('DynamicFormService.Push', {
    formid: params.sourceFormId,
    data: {
      Ids: '',
      Numbers: params.sourceNumbers,
      EntryIds: '',
      RuleId: params.ruleId,
      TargetBillTypeId: params.targetBillTypeId ?? '',
      TargetOrgId: params.targetOrgId ?? 0,
      TargetFormId: params.targetFormId,
      IsEnableDefaultRule: 'false',
      // A half-filled draft target would be invisible to the retry logic's state handling; fail cleanly instead.
      IsDraftWhenSaveFail: 'false',
      CustomParams: {},
    },
  });
  const envelope = expectSuccess(answer, `Push ${params.sourceFormId} → ${params.targetFormId}`);
  if (envelope.successEntities.length === 0) {
    throw new ConnectorError({
      system: SYSTEM,
      code: 'bad_response',
      message: `Kingdee Push ${params.sourceFormId} → ${params.targetFormId} succeeded but named no target bill`,
      retryable: false,
      detail: { body: answer },
    });
  }
  return envelope.successEntities.map((e) => ({ id: e.id, number: e.number, status: 'A' }));
}
