import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorMessage, fieldIssues, httpStatusOf, pickLanguage } from './error-message';

const texts = { network: 'Cannot reach the server.', unknown: 'Something went wrong.' };

function serverError(message: string, data: Record<string, unknown>) {
  return TRPCClientError.from({ error: { message, code: -32600, data } });
}

describe('error messages', () => {
  it('shows the half of a bilingual server message in the interface language', () => {
    const message = 'Wrong user name or password. / 用户名或密码错误。';
    expect(pickLanguage(message, 'en')).toBe('Wrong user name or password.');
    expect(pickLanguage(message, 'zh-CN')).toBe('用户名或密码错误。');
  });

  it('leaves other messages alone, slashes included', () => {
    expect(pickLanguage('Flow a / b does not exist.', 'zh-CN')).toBe('Flow a / b does not exist.');
    expect(pickLanguage('Connection 1 does not exist.', 'zh-CN')).toBe('Connection 1 does not exist.');
  });

  it("gives the server's message of a tRPC error, with its status", () => {
    const err = serverError('Flow x does not exist.', { code: 'NOT_FOUND', httpStatus: 404 });
    expect(errorMessage(err, 'en', texts)).toBe('Flow x does not exist.');
    expect(httpStatusOf(err)).toBe(404);
  });

  it('says the server cannot be reached when the answer is not from the API', () => {
    expect(errorMessage(new TRPCClientError('Unexpected token < in JSON'), 'en', texts)).toBe(texts.network);
    expect(errorMessage(new TypeError('Failed to fetch'), 'en', texts)).toBe(texts.network);
    expect(errorMessage(new Error('at Object.<anonymous> (file.js:1:1)'), 'en', texts)).toBe(texts.unknown);
  });

  it('collects the fields the server named', () => {
    const err = serverError('Invalid credentials', {
      code: 'BAD_REQUEST',
      httpStatus: 400,
      details: { issues: [{ path: 'credentials.password', message: 'required when the endpoint changes' }] },
      issues: [{ path: 'name', message: 'Too small' }],
    });
    expect(fieldIssues(err)).toEqual({ 'credentials.password': 'required when the endpoint changes', name: 'Too small' });
    expect(fieldIssues(new Error('x'))).toEqual({});
  });
});
