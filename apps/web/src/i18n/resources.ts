import enAuth from './en/auth.json';
import enCommon from './en/common.json';
import enConnections from './en/connections.json';
import enDesigner from './en/designer.json';
import enFlows from './en/flows.json';
import enMapping from './en/mapping.json';
import enRuns from './en/runs.json';
import enSettings from './en/settings.json';
import enShell from './en/shell.json';
import zhAuth from './zh-CN/auth.json';
import zhCommon from './zh-CN/common.json';
import zhConnections from './zh-CN/connections.json';
import zhDesigner from './zh-CN/designer.json';
import zhFlows from './zh-CN/flows.json';
import zhMapping from './zh-CN/mapping.json';
import zhRuns from './zh-CN/runs.json';
import zhSettings from './zh-CN/settings.json';
import zhShell from './zh-CN/shell.json';

/** One JSON file per language per area; a test checks both languages hold the same keys. */
export const resources = {
  en: { common: enCommon, auth: enAuth, shell: enShell, flows: enFlows, runs: enRuns, connections: enConnections, designer: enDesigner, mapping: enMapping, settings: enSettings },
  'zh-CN': { common: zhCommon, auth: zhAuth, shell: zhShell, flows: zhFlows, runs: zhRuns, connections: zhConnections, designer: zhDesigner, mapping: zhMapping, settings: zhSettings },
} as const;
