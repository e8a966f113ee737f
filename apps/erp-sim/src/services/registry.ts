import { getDataCenterList, logOut, loginByAppSecret, validateUser } from './auth';
import type { ServiceCall, ServiceOutcome, SimContext } from './context';
import { pushService } from './push';
import { queryService } from './query';
import { saveService } from './save';
import { statusService } from './status';
import { viewService } from './view';

export type ServiceKind = 'auth' | 'read' | 'write';

export interface ServiceDef {
  /** Short name used in stats, e.g. "Save". */
  name: string;
  fullName: string;
  kind: ServiceKind;
  needsSession: boolean;
  /** Query services answer with arrays, so their errors are nested as [[{Result}]]. */
  nestedErrors: boolean;
  handle(ctx: SimContext, call: ServiceCall): Promise<ServiceOutcome>;
}

const DYNAMIC_FORM = 'Kingdee.BOS.WebApi.ServicesStub.DynamicFormService';
const AUTH = 'Kingdee.BOS.WebApi.ServicesStub.AuthService';

function service(
  fullName: string,
  kind: ServiceKind,
  handle: ServiceDef['handle'],
  extra: Partial<Pick<ServiceDef, 'needsSession' | 'nestedErrors'>> = {},
): ServiceDef {
  return {
    name: shortName(fullName),
    fullName,
    kind,
    handle,
    needsSession: extra.needsSession ?? kind !== 'auth',
    nestedErrors: extra.nestedErrors ?? false,
  };
}

const SERVICES: readonly ServiceDef[] = [
  service(`${AUTH}.ValidateUser`, 'auth', validateUser),
  service(`${AUTH}.LoginByAppSecret`, 'auth', loginByAppSecret),
  service(`${AUTH}.LogOut`, 'auth', logOut),
  service('Kingdee.BOS.ServiceFacade.ServicesStub.Account.AccountService.GetDataCenterList', 'auth', getDataCenterList),
  service(`${DYNAMIC_FORM}.Save`, 'write', saveService('Save')),
  service(`${DYNAMIC_FORM}.BatchSave`, 'write', saveService('BatchSave')),
  service(`${DYNAMIC_FORM}.Draft`, 'write', saveService('Draft')),
  service(`${DYNAMIC_FORM}.Submit`, 'write', statusService('Submit')),
  service(`${DYNAMIC_FORM}.Audit`, 'write', statusService('Audit')),
  service(`${DYNAMIC_FORM}.UnAudit`, 'write', statusService('UnAudit')),
  service(`${DYNAMIC_FORM}.Delete`, 'write', statusService('Delete')),
  service(`${DYNAMIC_FORM}.Push`, 'write', pushService),
  service(`${DYNAMIC_FORM}.View`, 'read', viewService),
  service(`${DYNAMIC_FORM}.ExecuteBillQuery`, 'read', queryService('rows'), { nestedErrors: true }),
  service(`${DYNAMIC_FORM}.BillQuery`, 'read', queryService('objects'), { nestedErrors: true }),
];

const byName = new Map(SERVICES.map((s) => [s.fullName.toLowerCase(), s]));

/** Service names are matched case-insensitively (SDKs disagree on the case of e.g. save/Save). */
export function findService(serviceName: string): ServiceDef | undefined {
  return byName.get(serviceName.toLowerCase());
}

/** Short name for stats, also for services we do not implement. */
export function shortName(serviceName: string): string {
  return serviceName.split('.').pop() ?? serviceName;
}
