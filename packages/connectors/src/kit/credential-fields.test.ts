import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinConnectors } from '../builtin';
import { http } from '../http';
import { kingdee } from '../kingdee';
import { endpointFields, publicSummary, secretFields, stripUrlSecrets } from './credential-fields';
import { defineConnector } from './define-connector';

const name = { en: 'X', 'zh-CN': 'X' };

describe('publicSummary', () => {
  it('keeps only the kingdee fields that are safe to show', () => {
    const credentials = kingdee.auth.parse({
      serverUrl: 'https://erp.example.com/k3cloud/',
      acctId: 'DC001',
      username: 'api',
      authType: 'appSecret',
      appId: '123456_abc',
      appSecret: 'app-secret',
      password: 'also-secret',
    });
    expect(publicSummary(kingdee, credentials)).toEqual({
      serverUrl: 'https://erp.example.com/k3cloud/',
      acctId: 'DC001',
      username: 'api',
      authType: 'appSecret',
      lcid: 2052,
      loginBodyForm: 'flat',
      timeoutMs: 30_000,
    });
  });

  it('never shows the http header value, password or token, whatever the auth type', () => {
    const header = http.auth.parse({ type: 'header', name: 'X-Api-Key', value: 'k-123', baseUrl: 'https://api.example.com/v1' });
    expect(publicSummary(http, header)).toEqual({ type: 'header', name: 'X-Api-Key', baseUrl: 'https://api.example.com/v1' });
    expect(publicSummary(http, { type: 'basic', username: 'u', password: 'p' })).toEqual({ type: 'basic', username: 'u' });
    expect(publicSummary(http, { type: 'bearer', token: 't' })).toEqual({ type: 'bearer' });
    const everything = { type: 'header', name: 'n', value: 'V', password: 'P', token: 'T', secretKey: 'S', apiKey: 'K' };
    expect(JSON.stringify(publicSummary(http, everything))).not.toMatch(/V|P|T|S|K/);
  });

  it('removes user:pass@, the query and the fragment from URLs', () => {
    const summary = publicSummary(http, { type: 'none', baseUrl: 'https://user:p%40ss@api.example.com:8443/v1?api_key=abc#frag' });
    expect(summary).toEqual({ type: 'none', baseUrl: 'https://api.example.com:8443/v1' });
    expect(publicSummary(kingdee, { serverUrl: 'http://admin@erp.local/k3cloud/' })).toEqual({ serverUrl: 'http://erp.local/k3cloud/' });
  });

  it('drops non-scalar values and tolerates anything as credentials', () => {
    expect(publicSummary(kingdee, { serverUrl: { nested: 'x' }, acctId: ['a'], username: null, lcid: Number.NaN, timeoutMs: 5, authType: true })).toEqual({
      timeoutMs: 5,
      authType: true,
    });
    expect(publicSummary(kingdee, null)).toEqual({});
    expect(publicSummary(kingdee, 'serverUrl')).toEqual({});
    expect(publicSummary(kingdee, Object.create({ serverUrl: 'inherited' }) as object)).toEqual({});
  });

  it('shows nothing for a connector that declares no public fields', () => {
    const bare = defineConnector({ id: 'bare', name, group: 'data', auth: z.object({ host: z.string(), pin: z.string() }), actions: [] });
    expect(publicSummary(bare, { host: 'h', pin: '1' })).toEqual({});
  });
});

describe('stripUrlSecrets', () => {
  it('leaves strings that are not URLs alone', () => {
    expect(stripUrlSecrets('DC001')).toBe('DC001');
    expect(stripUrlSecrets('me@example.com')).toBe('me@example.com');
    expect(stripUrlSecrets('HTTP://a:b@Host')).toBe('HTTP://Host');
    expect(stripUrlSecrets('http://a:b@c@host/p@q')).toBe('http://host/p@q');
  });
});

describe('endpointFields and secretFields', () => {
  it('are declared for the built-in connectors', () => {
    expect(endpointFields(kingdee)).toEqual(['serverUrl']);
    expect(secretFields(kingdee)).toEqual(['password', 'appSecret']);
    expect(endpointFields(http)).toEqual(['baseUrl']);
    expect(secretFields(http)).toEqual(['value', 'password', 'token']);
  });

  it('no built-in connector shows a secret field, and each shows its endpoint', () => {
    for (const connector of builtinConnectors) {
      const secrets = secretFields(connector);
      expect(connector.publicFields?.some((f) => secrets.includes(f))).toBe(false);
      for (const f of endpointFields(connector)) expect(connector.publicFields).toContain(f);
    }
  });

  it('without a declaration, every auth field that is not public counts as secret; no endpoint is known', () => {
    const auth = z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), host: z.string(), pin: z.string() }), z.object({ kind: z.literal('b'), code: z.string() })]);
    const connector = defineConnector({ id: 'plain', name, group: 'data', auth, actions: [], publicFields: ['kind', 'host'] });
    expect(secretFields(connector)).toEqual(['pin', 'code']);
    expect(endpointFields(connector)).toEqual([]);
  });

  it('defineConnector refuses unknown field names and a field that is both public and secret', () => {
    const auth = z.object({ host: z.string(), pin: z.string() });
    expect(() => defineConnector({ id: 'x', name, group: 'data', auth, actions: [], publicFields: ['hots'] })).toThrow(/"hots" in publicFields/);
    expect(() => defineConnector({ id: 'x', name, group: 'data', auth, actions: [], endpointFields: ['url'] })).toThrow(/endpointFields/);
    expect(() => defineConnector({ id: 'x', name, group: 'data', auth, actions: [], publicFields: ['pin'], secretFields: ['pin'] })).toThrow(/both/);
  });
});
