import type { Redis } from 'ioredis';
import { createSessionStore } from '@qiao/connectors';
import type { PrismaClient } from '@qiao/db';
import { ConnectionResolver } from './connections';
import { EagerExecutor } from './eager-executor';
import { LocalEager } from './eager-port';
import type { ExecutorDeps } from './execute-step';
import type { Logger } from './logger';
import { createOutboxPort } from './outbox/outbox-port';
import { PlanCache } from './plan-cache';
import type { StepQueue } from './queue';
import { ConnectionRateLimiter } from './rate-limiter';
import type { SecretBox } from './secret-box';

export interface ExecutorSetup {
  prisma: PrismaClient;
  queue: StepQueue;
  /** Shares connection rate limits across processes. */
  redis: Redis;
  prefix: string;
  box: SecretBox;
  logger: Logger;
  leaseMarginMs: number;
  shutdown?: AbortSignal;
}

/** What a process needs to execute steps: the same for a worker and for a server running steps eagerly. */
export function createExecutorDeps(setup: ExecutorSetup): ExecutorDeps {
  const { prisma } = setup;
  return {
    prisma,
    queue: setup.queue,
    plans: new PlanCache(prisma),
    connections: new ConnectionResolver(prisma, setup.box),
    sessions: createSessionStore(),
    logger: setup.logger,
    ...(setup.shutdown ? { shutdown: setup.shutdown } : {}),
    rateLimiter: new ConnectionRateLimiter(setup.redis, setup.prefix),
    leaseMarginMs: setup.leaseMarginMs,
    outboxFor: (runId: string) => createOutboxPort(prisma, { runId }),
  };
}

/** Eager execution for acceptEvent's deps: `capacity` steps at once in this process (0 turns it off). */
export function createEagerExecution(setup: Omit<ExecutorSetup, 'shutdown'>, capacity: number): { port: LocalEager; leaseMarginMs: number } | undefined {
  if (capacity <= 0) return undefined;
  const deps = createExecutorDeps(setup);
  return { port: new LocalEager(new EagerExecutor(deps, { capacity }), deps.plans), leaseMarginMs: setup.leaseMarginMs };
}
