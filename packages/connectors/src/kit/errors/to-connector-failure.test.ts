import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConnectorError } from './connector-error';
import { toConnectorFailure } from './to-connector-failure';
import { UserError } from './user-error';

describe('toConnectorFailure', () => {
  it('keeps a connector error’s retry decision and detail', () => {
    const error = new ConnectorError({ system: 'kingdee', code: 'k3_13', message: 'locked', retryable: true, retryAfterMs: 5000, detail: { msgCode: 13 } });
    expect(error.name).toBe('ConnectorError');
    expect(toConnectorFailure(error)).toEqual({ kind: 'connector', system: 'kingdee', code: 'k3_13', message: 'locked', retryable: true, retryAfterMs: 5000, detail: { msgCode: 13 } });
  });

  it('never retries a user error and keeps its path and both languages', () => {
    const error = new UserError({ code: 'bad', path: ['model', 0], message: { en: 'Bad', 'zh-CN': '错误' } });
    expect(error.message).toBe('Bad');
    expect(toConnectorFailure(error)).toEqual({ kind: 'user', retryable: false, code: 'bad', message: 'Bad', path: ['model', 0], localized: { en: 'Bad', 'zh-CN': '错误' } });
  });

  it('turns a zod error into a user error at the first issue', () => {
    const parsed = z.object({ a: z.object({ b: z.number() }) }).safeParse({ a: { b: 'x' } });
    if (parsed.success) throw new Error('should fail');
    expect(toConnectorFailure(parsed.error)).toMatchObject({ kind: 'user', retryable: false, code: 'invalid_input', path: ['a', 'b'] });
  });

  it('recognises look-alike errors by name and shape (another copy of the package, a decorated Error)', () => {
    const user = Object.assign(new Error('Connection c1 does not exist.'), { name: 'UserError', code: 'connection_missing', path: [] });
    expect(toConnectorFailure(user)).toMatchObject({ kind: 'user', code: 'connection_missing', retryable: false });
    const connector = Object.assign(new Error('busy'), { name: 'ConnectorError', system: 'erp', code: 'k3_13', retryable: true });
    expect(toConnectorFailure(connector)).toMatchObject({ kind: 'connector', code: 'k3_13', retryable: true, system: 'erp' });
    const internal = Object.assign(new Error('No connector provides x.y'), { name: 'InternalError', code: 'unknown_node_type' });
    expect(toConnectorFailure(internal)).toMatchObject({ kind: 'internal', code: 'unknown_node_type', retryable: false });
  });

  it('treats anything else as an internal, non-retryable error', () => {
    expect(toConnectorFailure(new TypeError('x is undefined'))).toMatchObject({ kind: 'internal', retryable: false, code: 'internal', message: 'x is undefined' });
    expect(toConnectorFailure('boom')).toEqual({ kind: 'internal', retryable: false, code: 'internal', message: 'boom' });
  });
});
