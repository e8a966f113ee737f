import type { JsonSchema } from '../schema-form-model';

// What connections.connectors answers for the built-in connectors (z.toJSONSchema with io: 'input'),
// copied here because the web app does not import server code.
export const kingdeeAuthSchema: JsonSchema = {
  type: 'object',
  properties: {
    serverUrl: { type: 'string', format: 'uri' },
    acctId: { type: 'string', minLength: 1 },
    username: { type: 'string', minLength: 1 },
    authType: { type: 'string', enum: ['password', 'appSecret'] },
    password: { type: 'string' },
    appId: { type: 'string' },
    appSecret: { type: 'string' },
    lcid: { default: 2052, type: 'integer', minimum: -9007199254740991, maximum: 9007199254740991 },
    timeoutMs: { default: 30000, type: 'integer', minimum: 100, maximum: 600000 },
    loginBodyForm: { default: 'flat', type: 'string', enum: ['flat', 'parameters'] },
  },
  required: ['serverUrl', 'acctId', 'username', 'authType'],
};

const baseUrl: JsonSchema = { type: 'string', format: 'uri' };
export const httpAuthSchema: JsonSchema = {
  oneOf: [
    { type: 'object', properties: { type: { type: 'string', const: 'none' }, baseUrl }, required: ['type'] },
    { type: 'object', properties: { type: { type: 'string', const: 'header' }, name: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" }, value: { type: 'string' }, baseUrl }, required: ['type', 'name', 'value'] },
    { type: 'object', properties: { type: { type: 'string', const: 'basic' }, username: { type: 'string' }, password: { type: 'string' }, baseUrl }, required: ['type', 'username', 'password'] },
    { type: 'object', properties: { type: { type: 'string', const: 'bearer' }, token: { type: 'string', minLength: 1 }, baseUrl }, required: ['type', 'token'] },
  ],
};
