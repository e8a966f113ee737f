import { describe, expect, it } from 'vitest';
import { classifyFailure } from './failure-category';

describe('classifyFailure', () => {
  it.each([
    [{ kind: 'connector', code: 'k3_11' }, 'erp_rejected'],
    [{ kind: 'connector', code: 'http_503' }, 'erp_unreachable'],
    [{ kind: 'connector', code: 'network' }, 'erp_unreachable'],
    [{ kind: 'connector', code: 'timeout' }, 'timeout'],
    [{ kind: 'user', code: 'expression_error' }, 'mapping'],
    [{ kind: 'user', code: 'invalid_input' }, 'mapping'],
    [{ kind: 'user', code: 'expression_timeout' }, 'mapping'],
    [{ kind: 'connector', code: 'login_failed' }, 'configuration'],
    [{ kind: 'user', code: 'connection_missing' }, 'configuration'],
    [{ kind: 'internal', code: 'attempts_exhausted' }, 'internal'],
    [null, 'internal'],
  ] as const)('%j → %s', (error, category) => {
    expect(classifyFailure(error)).toBe(category);
  });
});
