import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadEnv } from './env';

const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/qiao', QIAO_SECRET_KEY: 'a'.repeat(64) };

describe('SERVER_PROCESSES', () => {
  it('is 1 unless set, a whole number when set, and one per core for "auto"', () => {
    expect(loadEnv(base).SERVER_PROCESSES).toBe(1);
    expect(loadEnv({ ...base, SERVER_PROCESSES: '3' }).SERVER_PROCESSES).toBe(3);
    expect(loadEnv({ ...base, SERVER_PROCESSES: 'auto' }).SERVER_PROCESSES).toBe(availableParallelism());
  });

  it.each(['0', '-1', '1.5', 'many', '', '65'])('refuses %j', (value) => {
    expect(() => loadEnv({ ...base, SERVER_PROCESSES: value })).toThrow(/SERVER_PROCESSES must be a whole number from 1 to 64, or "auto"/);
  });
});
