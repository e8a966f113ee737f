import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SchemaForm } from '../../components/schema-form';
import en from '../../i18n/en/connections.json';
import zh from '../../i18n/zh-CN/connections.json';
import { fieldsOf, initialValues, toCredentials, type JsonSchema } from '../../lib/schema-form-model';

// What connections.connectors answers for the WeCom connector (z.toJSONSchema with io: 'input'),
// copied here because the web app does not import server code.
const wecomAuthSchema: JsonSchema = {
  type: 'object',
  properties: {
    baseUrl: { default: 'https://qyapi.weixin.qq.com', type: 'string', format: 'uri' },
    corpId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
    agentId: { type: 'integer', minimum: 1, maximum: 9007199254740991 },
    corpSecret: { type: 'string', minLength: 1 },
    robotKey: { type: 'string', minLength: 1 },
    callbackToken: { type: 'string', pattern: '^[A-Za-z0-9]{1,32}$' },
    encodingAesKey: { type: 'string', pattern: '^[A-Za-z0-9]{43}$' },
    timeoutMs: { default: 10000, type: 'integer', minimum: 100, maximum: 120000 },
  },
};
const secretFields = ['corpSecret', 'robotKey', 'callbackToken', 'encodingAesKey'];

describe('the WeCom connection form', () => {
  it('masks the four secrets, and never prefills them on edit', () => {
    const known = { baseUrl: 'https://qyapi.weixin.qq.com', corpId: 'ww5f3c2a1b0d9e8f70', agentId: 1000002, corpSecret: 'leaked?' };
    const values = initialValues(wecomAuthSchema, { secretFields, mode: 'edit', known });
    render(<SchemaForm schema={wecomAuthSchema} values={values} secretFields={secretFields} mode="edit" onChange={() => undefined} />);
    for (const name of secretFields) {
      const input = screen.getByLabelText(new RegExp(`^${name}`));
      expect(input).toHaveProperty('type', 'password');
      expect(input).toHaveProperty('value', '');
    }
    expect(screen.getByLabelText(/^corpId/)).toHaveProperty('value', 'ww5f3c2a1b0d9e8f70');
    expect(screen.getByLabelText(/^agentId/)).toHaveProperty('type', 'number');
  });

  it('sends only what changed on edit, and no empty secret', () => {
    const initial = initialValues(wecomAuthSchema, { secretFields, mode: 'edit', known: { corpId: 'ww1', agentId: 1000002 } });
    const edited = { ...initial, agentId: '1000003', robotKey: 'k-1' };
    expect(toCredentials(wecomAuthSchema, edited, { secretFields, mode: 'edit', initial })).toEqual({ agentId: 1000003, robotKey: 'k-1' });
    expect(fieldsOf(wecomAuthSchema, edited, { secretFields, mode: 'edit' }).filter((f) => f.kind === 'secret').map((f) => f.name)).toEqual(secretFields);
  });

  it('has a label for every field in both languages', () => {
    for (const name of Object.keys(wecomAuthSchema.properties ?? {})) {
      expect((en.fields as Record<string, string>)[name], name).toBeTruthy();
      expect((zh.fields as Record<string, string>)[name], name).toBeTruthy();
    }
  });
});
