import { defineAction } from '../../kit/define-connector';
import type { KingdeeContext } from '../auth';
import { runStatusOperation } from '../idempotency';
import { createKingdeeTransport } from '../transport';
import { billNumbersInput, billNumbersOutput } from '../schemas';

export const submitBill = defineAction({
  id: 'submitBill',
  name: { en: 'Submit bills', 'zh-CN': '提交单据' },
  description: {
    en: 'Submits bills by number. Bills already submitted or audited count as done.',
    'zh-CN': '按编号提交单据。已提交或已审核的单据视为完成。',
  },
  input: billNumbersInput,
  output: billNumbersOutput,
  async run(ctx: KingdeeContext, params) {
    const deps = { transport: createKingdeeTransport(ctx), logger: ctx.logger };
    await runStatusOperation(deps, { formId: params.formId, numbers: params.numbers, operation: 'Submit' });
    return { numbers: params.numbers };
  },
});
