import type { FastifyInstance } from 'fastify';
import type { CallStats } from '../call-stats';
import type { FaultController } from '../faults';
import { faultUpdateSchema } from '../faults';
import type { SessionStore } from '../session';
import { parseBody } from '../services/request';
import type { DocumentStats } from '../store/stats';

export interface SimRouteDeps {
  faults: FaultController;
  sessions: SessionStore;
  stats: CallStats;
  documentStats(): Promise<DocumentStats>;
  reset(): Promise<void>;
  healthCheck(): Promise<void>;
}

export interface SimStats extends DocumentStats {
  calls: Record<string, number>;
  reads: number;
  writes: number;
  writesByForm: Record<string, Record<string, number>>;
  faults: { injected503: number; timeouts: number; dropped: number; delayed: number };
  sessions: number;
}

export async function collectStats(deps: Pick<SimRouteDeps, 'faults' | 'sessions' | 'stats' | 'documentStats'>): Promise<SimStats> {
  return {
    ...(await deps.documentStats()),
    calls: { ...deps.stats.byService },
    reads: deps.stats.reads,
    writes: deps.stats.writes,
    writesByForm: structuredClone(deps.stats.writesByForm),
    faults: { ...deps.faults.counters },
    sessions: deps.sessions.size,
  };
}

/** Control plane for tests and benchmarks; deliberately outside /k3cloud/ and never faulted. */
export function registerSimRoutes(app: FastifyInstance, deps: SimRouteDeps): void {
  app.get('/__sim/health', async (_request, reply) => {
    try {
      await deps.healthCheck();
      return reply.send({ status: 'ok' });
    } catch (err) {
      return reply.code(503).send({ status: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  });

  app.get('/__sim/faults', async () => deps.faults.get());

  app.put('/__sim/faults', async (request, reply) => {
    const parsed = parseBody(typeof request.body === 'string' ? request.body : undefined);
    const update = parsed.ok ? faultUpdateSchema.safeParse(parsed.value) : undefined;
    if (!update?.success) {
      return reply.code(400).send({ error: 'invalid fault configuration', issues: update?.error.issues ?? [] });
    }
    const config = deps.faults.update(update.data);
    deps.sessions.ttlMs = config.sessionTtlMs;
    return config;
  });

  app.delete('/__sim/faults', async () => {
    const config = deps.faults.restoreDefaults();
    deps.sessions.ttlMs = config.sessionTtlMs;
    return config;
  });

  app.post('/__sim/expire-sessions', async () => ({ expired: deps.sessions.expireAll() }));

  app.get('/__sim/stats', async () => collectStats(deps));

  app.post('/__sim/reset', async () => {
    await deps.reset();
    return { ok: true };
  });
}
