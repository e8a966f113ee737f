// The one way apps get a Prisma client: Prisma 7's query compiler over node-postgres, no engine binary.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client';

export interface CreatePrismaOptions {
  /** Connection pool size (node-postgres default: 10). */
  max?: number;
  /** Connections of the pipelined pool for hot statements (sqlPool); default the same as `max`. */
  hotMax?: number;
}

export type SqlPool = pg.Pool;
export type SqlClient = pg.PoolClient;

const hotPools = new WeakMap<PrismaClient, pg.Pool>();

export function createPrisma(databaseUrl: string, opts: CreatePrismaOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    ...(opts.max === undefined ? {} : { max: opts.max }),
  });
  const client = new PrismaClient({ adapter });
  // Beside Prisma's pool, a small pool in pipeline mode for the few statements on the hot path: plain
  // node-postgres skips the query compiler, and pipelining sends dependent statements in one flight.
  // Its statements are few, prepared once per connection and written against the primary keys, so
  // they use generic plans: a batch's array and JSON parameters would otherwise be re-planned on
  // every execution (PostgreSQL keeps custom plans when their estimates look cheaper).
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.hotMax ?? opts.max ?? 10, pipeline: true, idleTimeoutMillis: 10_000, options: '-c plan_cache_mode=force_generic_plan' });
  // An idle connection that dies (database restart) is replaced on next use; do not crash the process.
  pool.on('error', () => undefined);
  hotPools.set(client, pool);
  const disconnect = client.$disconnect.bind(client);
  client.$disconnect = async () => {
    await pool.end().catch(() => undefined);
    await disconnect();
  };
  return client;
}

/** The pipelined node-postgres pool that belongs to a client made by createPrisma; ended by its $disconnect. */
export function sqlPool(prisma: PrismaClient): SqlPool {
  const pool = hotPools.get(prisma);
  if (!pool) throw new Error('This Prisma client was not made by createPrisma, so it has no SQL pool.');
  return pool;
}

/**
 * Issues the queries `send` starts (synchronously, on one pipelined client) as ONE socket write: each
 * query is otherwise its own write, and on loopback every write syscall also does the receiver's
 * network work, which the throughput profile showed as the largest single cost.
 */
export function sendTogether<T>(client: SqlClient, send: () => T): T {
  const stream = (client as unknown as { connection?: { stream?: { cork?: () => void; uncork?: () => void } } }).connection?.stream;
  stream?.cork?.();
  try {
    return send();
  } finally {
    stream?.uncork?.();
  }
}
