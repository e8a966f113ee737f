import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import type { TlsOptions } from 'node:tls';
import type { Redis } from 'ioredis';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { fastifyTRPCPlugin, type FastifyTRPCPluginOptions } from '@trpc/server/adapters/fastify';
import { resolveSession } from './auth/sessions';
import { dingtalkCallbackRoutes } from './callbacks/dingtalk-route';
import { wecomCallbackRoutes } from './callbacks/wecom-route';
import { eventRoutes } from './gateway/events-route';
import { IdempotencyStore } from './gateway/idempotency';
import { GatewayRateLimiter } from './gateway/rate-limit';
import { sendProblem } from './problem';
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
  /** Serve HTTPS (and mutual TLS when it holds a CA with requestCert); plain HTTP when absent. */
  https?: TlsOptions | null;
  gateway: GatewayOptions;
  /**
   * What this listener serves: everything (default), only the event gateway (a separate, e.g. mutual-TLS,
   * port), or only the web app and API (then /api/events is not served here at all). /healthz is on each.
   */
  serves?: 'all' | 'gateway' | 'app';
}

export interface GatewayOptions {
  /** Shared by all server instances: rate limits and signature replay memory. */
  redis: Redis;
  redisPrefix: string;
  rateLimitPerMinute: number;
  idempotencyTtlMs: number;
}

export async function buildServer(options: BuildOptions): Promise<FastifyInstance> {
  const { services } = options;
  const trustProxy = parseTrustProxy(options.trustProxy);
  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    loggerInstance: options.logger,
    // The gateway sets its own (configurable) limit; everything else stays small.
    bodyLimit: 256 * 1024,
    trustProxy,
    // One line per request at 500 events/s is noise; rejections and failures are logged where they happen.
    logController: new LogController({ disableRequestLogging: true }),
    // Errors the router raises before any route runs (a malformed URL, a path segment over 100 characters) are problems too.
    frameworkErrors: (error, request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
      request.log.warn({ code: error.code, url: request.url.slice(0, 200) }, 'request refused by the router');
      return sendProblem(reply, { status, title: status === 414 ? 'URI Too Long' : 'Bad Request', detail: status === 414 ? 'A part of the path is too long.' : 'The request URL is malformed.' });
    },
  });
  await app.register(cookie);
  // Only under SERVER_PROCESSES > 1: which process answered, for operators (and tests) telling the workers apart.
  if (cluster.isWorker) {
    app.addHook('onRequest', (_req, reply, done) => {
      void reply.header('x-qiao-process', String(process.pid));
      done();
    });
  }

  const { gateway } = options;
  const serves = options.serves ?? 'all';
  if (serves !== 'app') await app.register(async (scope) =>
    eventRoutes(scope, {
      ...services,
      maxEventBytes: options.maxEventBytes,
      redis: gateway.redis,
      redisPrefix: gateway.redisPrefix,
      rateLimiter: new GatewayRateLimiter(gateway.redis, gateway.redisPrefix),
      idempotency: new IdempotencyStore(services.prisma, gateway.idempotencyTtlMs),
      defaultRateLimitPerMinute: gateway.rateLimitPerMinute,
    }),
  );
  // Callbacks verify their own signatures (WeCom/DingTalk cannot present client certificates), so they live with the app.
  if (serves !== 'gateway') await app.register(async (scope) => wecomCallbackRoutes(scope, services));
  if (serves !== 'gateway') await app.register(async (scope) => dingtalkCallbackRoutes(scope, services));

  if (serves !== 'gateway') await app.register(fastifyTRPCPlugin, {
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

  if (serves !== 'gateway') reconciliationExportRoute(app, services.prisma);

  app.get('/healthz', async (_req, reply) => {
    const checks: Record<string, string> = {};
    // Details go to the log, not to whoever polls the health check.
    await services.prisma.$queryRaw`SELECT 1`.then(() => (checks['postgres'] = 'ok'), (e: unknown) => { app.log.error({ err: e }, 'health: postgres down'); checks['postgres'] = 'down'; });
    await options.pingRedis().then(() => (checks['redis'] = 'ok'), (e: unknown) => { app.log.error({ err: e }, 'health: redis down'); checks['redis'] = 'down'; });
    const ok = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ok ? 200 : 503).send({ ok, checks });
  });

  if (serves === 'gateway') {
    // Nothing but events here; unknown paths answer in the gateway's problem format.
    app.setNotFoundHandler((req, reply) => sendProblem(reply, { status: 404, title: 'Not Found', detail: `This port serves only POST /api/events (and /healthz), not ${req.method} ${req.url.split('?')[0] ?? ''}.` }));
  } else if (options.webDist && existsSync(options.webDist)) {
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
