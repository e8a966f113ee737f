import Fastify from 'fastify';
import type { FastifyServerOptions } from 'fastify';
import { CallStats } from './call-stats';
import { MsgCode, failure } from './envelope';
import { DEFAULT_FAULT_SEED, FaultController, defaultFaults } from './faults';
import { BILL_NO_SEQUENCES } from './forms/registry';
import { collectStats, registerSimRoutes } from './http/sim-routes';
import type { SimStats } from './http/sim-routes';
import { registerK3Routes } from './http/k3-routes';
import { DEFAULT_SESSION_TTL_MS, SessionStore } from './session';
import type { SimContext } from './services/context';
import type { BillRow } from './store/documents';
import { findBill } from './store/documents';
import { MasterData } from './store/master-data';
import type { Pool } from './store/pool';
import { createPool, ensureDatabase, withTransaction } from './store/pool';
import { initializeSchema } from './store/schema';
import { resetDocuments, seedMasterData } from './store/seed';
import { inventoryOf } from './store/stock';
import { documentStats } from './store/stats';

export interface SimulatorOptions {
  databaseUrl: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Seed demo master data and stock where absent (default true). */
  seed?: boolean;
  logger?: boolean | object;
  /** Seed of the PRNG that decides which requests get faults. */
  faultSeed?: number;
  sessionTtlMs?: number;
  poolSize?: number;
}

/** Programmatic access to the simulator's state, for tests that want to look behind the API. */
export interface SimulatorStore {
  pool: Pool;
  reset(): Promise<void>;
  stats(): Promise<SimStats>;
  inventory(material: string, stock: string): Promise<{ baseQty: string; avbQty: string } | null>;
  findBill(formId: string, billNo: string): Promise<BillRow | null>;
}

export interface Simulator {
  url: string;
  port: number;
  store: SimulatorStore;
  faults: FaultController;
  sessions: SessionStore;
  close(): Promise<void>;
}

const BODY_LIMIT = 32 * 1024 * 1024;

export async function createSimulator(options: SimulatorOptions): Promise<Simulator> {
  const seed = options.seed ?? true;
  await ensureDatabase(options.databaseUrl);
  const pool = createPool(options.databaseUrl, options.poolSize ?? 10);
  try {
    await initializeSchema(pool, BILL_NO_SEQUENCES, async (client) => {
      if (seed) await seedMasterData(client);
    });
  } catch (err) {
    await pool.end();
    throw err;
  }
  const master = new MasterData();
  await master.load(pool);
  const sessionTtlMs = options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const sessions = new SessionStore(sessionTtlMs);
  sessions.startSweeping();
  const faults = new FaultController(options.faultSeed ?? DEFAULT_FAULT_SEED, defaultFaults(sessionTtlMs));
  const stats = new CallStats();
  const ctx: SimContext = { pool, master, sessions };

  const reset = async (): Promise<void> => {
    await withTransaction(pool, (client) => resetDocuments(client, BILL_NO_SEQUENCES, seed));
    await master.load(pool);
    stats.reset();
    faults.resetCounters();
  };

  const app = Fastify({
    logger: (options.logger ?? false) as FastifyServerOptions['logger'],
    bodyLimit: BODY_LIMIT,
    // Hung (timeout-fault) requests would otherwise keep close() waiting forever.
    forceCloseConnections: true,
    routerOptions: { caseSensitive: false },
  });
  // Every body is taken as text and parsed leniently as JSON whatever the content type says.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error, request, reply) => {
    request.log.error({ err: error }, 'erp-sim request failed');
    const message = error instanceof Error ? error.message : String(error);
    if (request.url.startsWith('/__sim/')) return reply.code(500).send({ error: message });
    // A simulator fault (e.g. the database went away) is not a business answer: HTTP 500, with a K3-shaped body.
    return reply.code(500).type('application/json; charset=utf-8').send(JSON.stringify(failure(MsgCode.Exception, `服务端异常：${message}`)));
  });

  registerK3Routes(app, { ctx, faults, stats });
  const documentStatsFn = () => documentStats(pool);
  registerSimRoutes(app, {
    faults,
    sessions,
    stats,
    documentStats: documentStatsFn,
    reset,
    healthCheck: async () => {
      await pool.query('SELECT 1');
    },
  });

  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: options.port ?? 0 });
  } catch (err) {
    sessions.stop();
    await pool.end();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;

  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    faults,
    sessions,
    store: {
      pool,
      reset,
      stats: () => collectStats({ faults, sessions, stats, documentStats: documentStatsFn }),
      inventory: (material, stock) => inventoryOf(pool, material, stock),
      findBill: (formId, billNo) => findBill(pool, formId, { billNo }),
    },
    close: async () => {
      if (closed) return;
      closed = true;
      sessions.stop();
      await app.close();
      await pool.end();
    },
  };
}
