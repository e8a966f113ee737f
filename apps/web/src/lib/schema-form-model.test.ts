import { describe, expect, it } from 'vitest';
import { checkValues, fieldsOf, initialValues, toCredentials, type JsonSchema } from './schema-form-model';
import { httpAuthSchema, kingdeeAuthSchema } from './test-fixtures/auth-schemas';

const kingdee = { secretFields: ['password', 'appSecret'] };
const http = { secretFields: ['value', 'password', 'token'] };

describe('fields from a JSON Schema', () => {
  it('turns the Kingdee auth schema into typed fields, defaults optional', () => {
    const fields = fieldsOf(kingdeeAuthSchema, {}, { ...kingdee, mode: 'create' });
    const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
    expect(fields.map((f) => f.name)).toEqual(['serverUrl', 'acctId', 'username', 'authType', 'password', 'appId', 'appSecret', 'lcid', 'timeoutMs', 'loginBodyForm']);
    expect(byName['serverUrl']).toMatchObject({ kind: 'url', required: true });
    expect(byName['authType']).toMatchObject({ kind: 'select', options: ['password', 'appSecret'], required: true });
    expect(byName['password']).toMatchObject({ kind: 'secret', required: false });
    // ±2^53 from a plain z.int() is no bound to show; a real one is.
    expect(byName['lcid']).toMatchObject({ kind: 'integer', required: false, defaultValue: 2052 });
    expect(byName['lcid']?.min).toBeUndefined();
    expect(byName['timeoutMs']).toMatchObject({ min: 100, max: 600000 });
  });

  it('shows the branch of a union its discriminator picks', () => {
    const names = (type: string) => fieldsOf(httpAuthSchema, { type }, { ...http, mode: 'create' }).map((f) => f.name);
    expect(names('none')).toEqual(['type', 'baseUrl']);
    expect(names('header')).toEqual(['type', 'name', 'value', 'baseUrl']);
    expect(names('bearer')).toEqual(['type', 'token', 'baseUrl']);
    expect(fieldsOf(httpAuthSchema, { type: 'basic' }, { ...http, mode: 'create' })[0]).toMatchObject({ kind: 'select', discriminator: true, options: ['none', 'header', 'basic', 'bearer'] });
  });
});

describe('initial values', () => {
  it('fills defaults and the first choice of a required enum on create', () => {
    const values = initialValues(kingdeeAuthSchema, { ...kingdee, mode: 'create' });
    expect(values).toMatchObject({ serverUrl: '', authType: 'password', lcid: '2052', timeoutMs: '30000', loginBodyForm: 'flat', password: '' });
  });

  it('on edit shows what the server shows and never a secret, even if one were known', () => {
    const values = initialValues(kingdeeAuthSchema, { ...kingdee, mode: 'edit', known: { serverUrl: 'http://erp/k3cloud/', acctId: 'A1', authType: 'appSecret', lcid: 1033, appSecret: 'leaked?' } });
    expect(values).toMatchObject({ serverUrl: 'http://erp/k3cloud/', acctId: 'A1', authType: 'appSecret', lcid: '1033', appSecret: '', appId: '' });
    expect(initialValues(httpAuthSchema, { ...http, mode: 'edit', known: { type: 'bearer', baseUrl: 'https://api' } })).toMatchObject({ type: 'bearer', baseUrl: 'https://api', token: '' });
  });
});

describe('what the form sends', () => {
  it('on create: filled-in fields, numbers as numbers, empty optional fields left out', () => {
    const values = { ...initialValues(kingdeeAuthSchema, { ...kingdee, mode: 'create' }), serverUrl: ' http://erp/k3cloud/ ', acctId: 'A1', username: 'u', password: 'pw' };
    expect(toCredentials(kingdeeAuthSchema, values, { ...kingdee, mode: 'create' })).toEqual({
      serverUrl: 'http://erp/k3cloud/', acctId: 'A1', username: 'u', authType: 'password', password: 'pw', lcid: 2052, timeoutMs: 30000, loginBodyForm: 'flat',
    });
  });

  it('on edit: only changed fields and typed-in secrets, so empty secrets keep the stored ones', () => {
    const initial = initialValues(kingdeeAuthSchema, { ...kingdee, mode: 'edit', known: { serverUrl: 'http://erp/k3cloud/', acctId: 'A1', username: 'u', authType: 'password', lcid: 2052 } });
    expect(toCredentials(kingdeeAuthSchema, initial, { ...kingdee, mode: 'edit', initial })).toEqual({});
    expect(toCredentials(kingdeeAuthSchema, { ...initial, username: 'u2' }, { ...kingdee, mode: 'edit', initial })).toEqual({ username: 'u2' });
    expect(toCredentials(kingdeeAuthSchema, { ...initial, serverUrl: 'http://new/k3cloud/', password: 'again' }, { ...kingdee, mode: 'edit', initial })).toEqual({ serverUrl: 'http://new/k3cloud/', password: 'again' });
  });

  it('sends only the chosen branch of a union', () => {
    const values = { ...initialValues(httpAuthSchema, { ...http, mode: 'create' }), type: 'bearer', token: 't0k', name: 'X-Key' };
    expect(toCredentials(httpAuthSchema, values, { ...http, mode: 'create' })).toEqual({ type: 'bearer', token: 't0k' });
  });
});

describe('checks before sending', () => {
  const fields = (mode: 'create' | 'edit') => fieldsOf(kingdeeAuthSchema, {}, { ...kingdee, mode });
  it('names missing required fields, bad URLs and out-of-range numbers', () => {
    const problems = checkValues(fields('create'), { serverUrl: 'erp.local', acctId: '', username: 'u', authType: 'password', timeoutMs: '5', lcid: '20.5' }, 'create');
    expect(problems).toEqual({ serverUrl: { kind: 'url' }, acctId: { kind: 'required' }, timeoutMs: { kind: 'min', min: 100 }, lcid: { kind: 'integer' } });
  });

  it('does not ask for a secret on edit', () => {
    const schema: JsonSchema = { type: 'object', properties: { token: { type: 'string' } }, required: ['token'] };
    const f = (mode: 'create' | 'edit') => fieldsOf(schema, {}, { secretFields: ['token'], mode });
    expect(checkValues(f('create'), { token: '' }, 'create')).toEqual({ token: { kind: 'required' } });
    expect(checkValues(f('edit'), { token: '' }, 'edit')).toEqual({});
  });
});
