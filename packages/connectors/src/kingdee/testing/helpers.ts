import type { z } from 'zod';
import type { ActionContext } from '../../kit/context';
import type { Action } from '../../kit/define-connector';
import { runAction } from '../../kit/run-action';
import type { SessionStore } from '../../kit/session-store';
import { createMemoryLogger, createTestContext, type MemoryLogger } from '../../kit/testing';
import { kingdeeAuthSchema, type KingdeeCredentials } from '../auth';
import { kingdee } from '../index';
import type { FakeK3Cloud } from './fake-k3cloud';

export type RawKingdeeCredentials = z.input<typeof kingdeeAuthSchema>;

export function credentialsFor(fake: FakeK3Cloud, overrides: Partial<RawKingdeeCredentials> = {}): KingdeeCredentials {
  return kingdeeAuthSchema.parse({
    serverUrl: fake.serverUrl,
    acctId: fake.account.acctId,
    username: fake.account.username,
    authType: 'password',
    password: fake.account.password,
    timeoutMs: 2000,
    ...overrides,
  });
}

export interface ContextOptions {
  credentials?: Partial<RawKingdeeCredentials>;
  attempt?: number;
  idempotencyKey?: string;
  sessions?: SessionStore;
  signal?: AbortSignal;
}

export function contextFor(fake: FakeK3Cloud, options: ContextOptions = {}): ActionContext<KingdeeCredentials> & { logger: MemoryLogger } {
  const logger = createMemoryLogger();
  const ctx = createTestContext({
    credentials: credentialsFor(fake, options.credentials),
    logger,
    ...(options.attempt === undefined ? {} : { attempt: options.attempt }),
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    ...(options.sessions === undefined ? {} : { sessions: options.sessions }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { ...ctx, logger };
}

/** Runs an action the way the runtime should: through runAction, with input validation. */
export function run(action: Action<KingdeeCredentials>, ctx: ActionContext<KingdeeCredentials>, input: unknown): Promise<unknown> {
  return runAction({ connector: kingdee, action, context: ctx, input });
}
