import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import { ConnectorError } from '../../kit/errors/connector-error';
import type { KingdeeContext } from '../auth';
import { expectSuccess } from '../envelope';
import { SYSTEM } from '../errors';
import { createKingdeeTransport } from '../transport';

export const viewBill = defineAction({
  id: 'viewBill',
  name: { en: 'View bill', 'zh-CN': '查看单据' },
  description: { en: 'Reads one whole bill by its number.', 'zh-CN': '按编号读取整张单据。' },
  input: z.object({ formId: z.string().min(1), number: z.string().trim().min(1) }),
  output: z.object({ bill: z.record(z.string(), z.unknown()) }),
  async run(ctx: KingdeeContext, params) {
    const transport = createKingdeeTransport(ctx);
    const answer = await transport.call('DynamicFormService.View', {
      formid: params.formId,
      data: { CreateOrgId: 0, Number: params.number, Id: '' },
    });
    const envelope = expectSuccess(answer, `View ${params.formId} ${params.number}`);
    const bill = z.record(z.string(), z.unknown()).safeParse(envelope.result);
    if (!bill.success) {
      throw new ConnectorError({
        system: SYSTEM,
        code: 'bad_response',
        message: `Kingdee View ${params.formId} ${params.number} answered success without a bill`,
        retryable: false,
        detail: { body: answer },
      });
    }
    return { bill: bill.data };
  },
});
