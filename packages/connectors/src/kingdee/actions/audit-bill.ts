import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import type { KingdeeContext } from '../auth';
import { runStatusOperation } from '../idempotency';
import { createKingdeeTransport } from '../transport';
import { billNumbersInput, billNumbersOutput } from '../schemas';

export const auditBill = defineAction({
  id: 'auditBill',
  name: { en: 'Audit bills', 'zh-CN': '审核单据' },
  description: {
    en: 'Audits submitted bills by number. Bills already audited count as done.',
    'zh-CN': '按编号审核已提交的单据。已审核的单据视为完成。',
  },
  input: billNumbersInput.extend({
    /** e.g. STK_InvCheckResult to let an outbound audit go below zero stock. */
    interationFlags: z.string().optional(),
  }),
  output: billNumbersOutput,
  async run(ctx: KingdeeContext, params) {
    const deps = { transport: createKingdeeTransport(ctx), logger: ctx.logger };
    const extra: Record<string, unknown> = { IsVerifyProcInst: 'true' };
    if (params.interationFlags) extra.InterationFlags = params.interationFlags;
    await runStatusOperation(deps, { formId: params.formId, numbers: params.numbers, operation: 'Audit', extra });
    return { numbers: params.numbers };
  },
});
