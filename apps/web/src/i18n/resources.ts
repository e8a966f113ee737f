import enAuth from './en/auth.json';
import enCommon from './en/common.json';
import enConnections from './en/connections.json';
import enConnectionHealth from './en/connectionHealth.json';
import enDesigner from './en/designer.json';
import enDesk from './en/desk.json';
import enReconciliation from './en/reconciliation.json';
import enFlows from './en/flows.json';
import enGateway from './en/gateway.json';
import enMapping from './en/mapping.json';
import enOutbox from './en/outbox.json';
import enRuns from './en/runs.json';
import enSettings from './en/settings.json';
import enShell from './en/shell.json';
import enRunview from './en/runview.json';
import enTestrun from './en/testrun.json';
import enVersions from './en/versions.json';
import zhAuth from './zh-CN/auth.json';
import zhCommon from './zh-CN/common.json';
import zhConnections from './zh-CN/connections.json';
import zhConnectionHealth from './zh-CN/connectionHealth.json';
import zhDesigner from './zh-CN/designer.json';
import zhDesk from './zh-CN/desk.json';
import zhReconciliation from './zh-CN/reconciliation.json';
import zhFlows from './zh-CN/flows.json';
import zhGateway from './zh-CN/gateway.json';
import zhMapping from './zh-CN/mapping.json';
import zhOutbox from './zh-CN/outbox.json';
import zhRuns from './zh-CN/runs.json';
import zhSettings from './zh-CN/settings.json';
import zhShell from './zh-CN/shell.json';
import zhRunview from './zh-CN/runview.json';
import zhTestrun from './zh-CN/testrun.json';
import zhVersions from './zh-CN/versions.json';

/** One JSON file per language per area; a test checks both languages hold the same keys. */
export const resources = {
  en: { common: enCommon, auth: enAuth, shell: enShell, flows: enFlows, runs: enRuns, connections: enConnections, designer: enDesigner, connectionHealth: enConnectionHealth, mapping: enMapping, settings: enSettings, gateway: enGateway, desk: enDesk, reconciliation: enReconciliation, testrun: enTestrun, versions: enVersions, runview: enRunview, outbox: enOutbox },
  'zh-CN': { common: zhCommon, auth: zhAuth, shell: zhShell, flows: zhFlows, runs: zhRuns, connections: zhConnections, designer: zhDesigner, connectionHealth: zhConnectionHealth, mapping: zhMapping, settings: zhSettings, gateway: zhGateway, desk: zhDesk, reconciliation: zhReconciliation, testrun: zhTestrun, versions: zhVersions, runview: zhRunview, outbox: zhOutbox },
} as const;
