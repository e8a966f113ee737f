import type { EagerHandoff } from '@qiao/runtime';

/** What the executor thread needs to build its own connections (it shares nothing with the accepting thread). */
export interface EagerThreadConfig {
  databaseUrl: string;
  databasePoolSize: number;
  redisUrl: string;
  queuePrefix: string;
  secretKey: string;
  leaseMarginMs: number;
  capacity: number;
  logLevel: string;
}

export type ToThread = { type: 'run'; handoff: EagerHandoff } | { type: 'close'; graceMs: number };
export type FromThread = { type: 'done' } | { type: 'closed' };
