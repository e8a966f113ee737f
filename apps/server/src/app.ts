import { existsSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { resolveSession } from './auth/sessions';
import { eventRoutes } from './gateway/events-route';
import { reconciliationExportRoute } from './reconciliation/export-route';
import { statusPage } from './status-page';
import { createHttpContext, type Services } from './trpc/context';
import { appRouter, type AppRouter } from './trpc/root';

export interface BuildOptions {
  services: Services;
  maxEventBytes: number;
  logger: FastifyBaseLogger;
  webDist?: string;
  trustProxy?: string;
  /** Checked by /healthz; the queue's Redis connection. */
  pingRedis: () => Promise<void>;
}

export async function buildServer(options: BuildOptions): Promise<FastifyInstance> {
  const { services } = options;
  const trustProxy = parseTrustProxy(options.trustProxy);
  const app = Fastify({
    loggerInstance: options.logger,
    // The gateway sets its own (configurable) limit; everything else stays small.
    bodyLimit: 256 * 1024,
    trustProxy,
    // One line per request at 500 events/s is noise; rejections and failures are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
  });
  await app.register(cookie);

  await app.register(async (scope) => eventRoutes(scope, { ...services, maxEventBytes: options.maxEventBytes }));

  await app.register(fastifyTRPCPlugin, {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      createContext: ({ req, res }) => createHttpContext({ req, res, services, resolveUser: (token) => resolveSession(services.prisma, token) }),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') app.log.error({ err: error.cause ?? error, path }, 'tRPC procedure failed');
        else app.log.warn({ code: error.code, path, msg: error.message }, 'tRPC request refused');
      },
    },
  } satisfies FastifyTRPCPluginOptions<AppRouter>);

  reconciliationExportRoute(app, services.prisma);

  app.get('/healthz', async (_req, reply) => {
    const checks: Record<string, string> = {};
    // Details go to the log, not to whoever polls the health check.
    await services.prisma.$queryRaw`SELECT 1`.then(() => (checks['postgres'] = 'ok'), (e: unknown) => { app.log.error({ err: e }, 'health: postgres down'); checks['postgres'] = 'down'; });
    await options.pingRedis().then(() => (checks['redis'] = 'ok'), (e: unknown) => { app.log.error({ err: e }, 'health: redis down'); checks['redis'] = 'down'; });
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ok ? 200 : 503).send({ ok, checks });
  });

  if (options.webDist && existsSync(options.webDist)) {
    await app.register(fastifyStatic, { root: options.webDist, wildcard: false });
    app.setNotFoundHandler((req, reply) => (req.method === 'GET' && !req.url.startsWith('/api') && !req.url.startsWith('/trpc') ? reply.sendFile('index.html') : reply.code(404).send({ error: 'Not Found' })));
  } else {
    app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(await statusPage(services.prisma)));
  }
  return app;
}

/** "true"/"false", a hop count, or a comma-separated list of trusted proxy addresses. */
function parseTrustProxy(value: string | undefined): (address: string, hop: number) => boolean {
  if (!value || value === 'false') return () => false;
  if (value === 'true') return () => true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  const trusted = new Set(value.split(',').map((v) => v.trim()).filter(Boolean));
  return (address) => trusted.has(address);
}
