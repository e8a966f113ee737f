import { defineAction } from '../../kit/define-connector';
import type { KingdeeContext } from '../auth';
import { runStatusOperation } from '../idempotency';
import { createKingdeeTransport } from '../transport';
import { billNumbersInput, billNumbersOutput } from '../schemas';

export const unAuditBill = defineAction({
  id: 'unAuditBill',
  name: { en: 'Un-audit bills', 'zh-CN': '反审核单据' },
  description: {
    en: 'Reverses the audit of bills by number. Bills that are not audited count as done.',
    'zh-CN': '按编号反审核单据。未处于已审核状态的单据视为完成。',
  },
  input: billNumbersInput,
  output: billNumbersOutput,
  async run(ctx: KingdeeContext, params) {
    const deps = { transport: createKingdeeTransport(ctx), logger: ctx.logger };
    await runStatusOperation(deps, { formId: params.formId, numbers: params.numbers, operation: 'UnAudit' });
    return { numbers: params.numbers };
  },
});
