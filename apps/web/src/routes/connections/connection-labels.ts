import type { TFunction } from 'i18next';

const KNOWN_FIELDS = [
  'serverUrl', 'acctId', 'username', 'authType', 'password', 'appId', 'appSecret', 'lcid', 'timeoutMs', 'loginBodyForm', 'type', 'baseUrl', 'name', 'value', 'token',
  'corpId', 'agentId', 'corpSecret', 'robotKey', 'callbackToken', 'encodingAesKey',
  'brokerUrl', 'clientIdPrefix', 'protocolVersion', 'keepaliveSeconds', 'subscriptions', 'tlsCa', 'tlsCert', 'tlsKey', 'tlsRejectUnauthorized', 'connectTimeoutMs',
] as const;
type KnownField = (typeof KNOWN_FIELDS)[number];

const KNOWN_OPTIONS = ['password', 'appSecret', 'flat', 'parameters', 'none', 'header', 'basic', 'bearer'] as const;
type KnownOption = (typeof KNOWN_OPTIONS)[number];

function isField(name: string): name is KnownField {
  return (KNOWN_FIELDS as readonly string[]).includes(name);
}

function isOption(name: string): name is KnownOption {
  return (KNOWN_OPTIONS as readonly string[]).includes(name);
}

/** A credential field's label in the interface language; an unknown field shows its name. */
export function fieldLabel(t: TFunction<'connections'>, name: string): string {
  return isField(name) ? t(`fields.${name}`) : name;
}

export function optionLabel(t: TFunction<'connections'>, option: string): string {
  return isOption(option) ? t(`options.${option}`) : option;
}
