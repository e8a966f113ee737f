import { defineConnector } from '../kit/define-connector';
import { ConnectorError } from '../kit/errors/connector-error';
import { kingdeeAuthSchema } from './auth';
import { auditBill } from './actions/audit-bill';
import { pushBill } from './actions/push-bill';
import { queryBills } from './actions/query-bills';
import { saveBill } from './actions/save-bill';
import { submitBill } from './actions/submit-bill';
import { unAuditBill } from './actions/un-audit-bill';
import { viewBill } from './actions/view-bill';
import { createKingdeeTransport } from './transport';

export const kingdee = defineConnector({
  id: 'kingdee',
  name: { en: 'Kingdee K3Cloud', 'zh-CN': '金蝶云星空' },
  description: {
    en: 'Kingdee Cloud Galaxy (K3Cloud) WebAPI: save, submit, audit, push and query bills.',
    'zh-CN': '金蝶云星空 WebAPI：单据保存、提交、审核、下推与查询。',
  },
  group: 'erp',
  auth: kingdeeAuthSchema,
  publicFields: ['serverUrl', 'acctId', 'username', 'authType', 'lcid', 'loginBodyForm', 'timeoutMs'],
  endpointFields: ['serverUrl'],
  // appId is not secret on its own (it is useless without appSecret), nor shown.
  secretFields: ['password', 'appSecret'],
  actions: [saveBill, submitBill, auditBill, unAuditBill, viewBill, queryBills, pushBill],
  triggers: [],
  async testConnection(ctx) {
    // A fresh login proves the URL, the data centre and the credentials in one call; its errors
    // already say which of them failed (network / HTTP 404 / login_failed with Kingdee's reason).
    const outcome = await createKingdeeTransport(ctx).login().catch((error: unknown) => {
      if (error instanceof ConnectorError && (error.code === 'network' || error.code === 'timeout')) {
        throw new ConnectorError({
          system: error.system,
          code: error.code,
          message: `Cannot reach the Kingdee server at ${ctx.credentials.serverUrl}: ${error.message}`,
          retryable: error.retryable,
          cause: error,
        });
      }
      throw error;
    });
    const centre = outcome.dataCentreName ? `${outcome.dataCentreName} (${ctx.credentials.acctId})` : ctx.credentials.acctId;
    return { ok: true, detail: `Logged in to data centre ${centre} as ${outcome.userName ?? ctx.credentials.username}` };
  },
});

export { kingdeeAuthSchema, type KingdeeCredentials } from './auth';
export { derivedBillNo } from './idempotency';
export { MSG_CODES } from './errors';
