import Fastify from 'fastify';
import type { FastifyServerOptions } from 'fastify';
import type { CallbackTarget } from './callbacks';
import { FaultController } from './faults';
import { registerApiRoutes } from './http/api-routes';
import { registerSimRoutes } from './http/sim-routes';
import { DEMO_CORP, type SimCorp } from './seed';
import { SimState } from './state';

export interface WecomSimulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  corp?: SimCorp;
  /** Where callbacks are delivered; can be set later through PUT /__sim/callback. */
  callback?: CallbackTarget;
  logger?: boolean;
}

export interface WecomSimulator {
  url: string;
  port: number;
  state: SimState;
  faults: FaultController;
  /** Sets or replaces where callbacks go. */
  setCallbackTarget(target: CallbackTarget): void;
  close(): Promise<void>;
}

export async function createWecomSimulator(options: WecomSimulatorOptions = {}): Promise<WecomSimulator> {
  const state = new SimState(structuredClone(options.corp ?? DEMO_CORP));
  const faults = new FaultController();
  const callback: { target: CallbackTarget | undefined } = { target: options.callback };

  const app = Fastify({
    logger: (options.logger ?? false) as FastifyServerOptions['logger'],
    bodyLimit: 2 * 1024 * 1024,
    // Hung requests (the hang fault) must not keep close() waiting.
    forceCloseConnections: true,
  });
  // WeCom reads the body as JSON whatever the content type says; so does the simulator.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((err, request, reply) => {
    request.log.error({ err }, 'wecom-sim request failed');
    return reply.code(500).send({ error: err instanceof Error ? err.message : String(err) });
  });

  const { clearLimits } = registerApiRoutes(app, { state, faults });
  registerSimRoutes(app, { state, faults, clearLimits, callback });

  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    state,
    faults,
    setCallbackTarget(target) {
      callback.target = target;
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}
