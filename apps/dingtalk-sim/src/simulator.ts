import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asyncSend, getSendResult, getToken } from './app';
import { pushEvent, type PushRequest } from './callbacks';
import { robotSend, type SimAnswer } from './robot';
import { SimState, type AppConfig, type Fault, type FaultTarget, type RobotConfig, type SimLimits } from './state';

export interface SimulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  robots?: RobotConfig[];
  apps?: AppConfig[];
  limits?: Partial<SimLimits>;
  /** Injected clock for the sim's checks (timestamps, windows, expiry). */
  now?: () => number;
}

export interface Simulator {
  url: string;
  state: SimState;
  /** Same as POST /__sim/callbacks/send, for in-process tests. */
  pushEvent(request: PushRequest): ReturnType<typeof pushEvent>;
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: SimLimits = {
  robotPerWindow: 20,
  robotWindowMs: 60_000,
  robotThrottleMs: 10 * 60_000,
  timestampWindowMs: 60 * 60_000,
  tokenTtlSeconds: 7200,
};

const MAX_BODY = 1024 * 1024;

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = new SimState({ ...DEFAULT_LIMITS, ...options.limits });
  for (const robot of options.robots ?? []) state.robots.set(robot.accessToken, robot);
  for (const app of options.apps ?? []) state.apps.set(app.appKey, app);
  const now = options.now ?? Date.now;
  const hanging = new Set<ServerResponse>();

  const server: Server = createServer((req, res) => {
    readBody(req)
      .then(async (raw) => {
        const url = new URL(req.url ?? '/', 'http://sim');
        const answer = await route({ state, method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, raw, now, hanging, res });
        if (answer) send(res, answer);
      })
      .catch((error: unknown) => send(res, { status: 400, body: { errcode: 40035, errmsg: String(error instanceof Error ? error.message : error) } }));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port, address } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    state,
    pushEvent,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface RouteArgs {
  state: SimState;
  method: string;
  path: string;
  query: URLSearchParams;
  raw: string;
  now: () => number;
  hanging: Set<ServerResponse>;
  res: ServerResponse;
}

const TARGETS: Record<string, FaultTarget> = {
  '/robot/send': 'robot',
  '/gettoken': 'gettoken',
  '/topapi/message/corpconversation/asyncsend_v2': 'asyncsend',
  '/topapi/message/corpconversation/getsendresult': 'getsendresult',
};

async function route(args: RouteArgs): Promise<SimAnswer | null> {
  const { state, method, path, query } = args;
  if (path.startsWith('/__sim/')) return control(args);
  const target = TARGETS[path];
  if (!target) return { status: 404, body: { errcode: 404, errmsg: `no such API ${path}` } };
  state.callCounts[target] = (state.callCounts[target] ?? 0) + 1;
  const fault = state.takeFault(target);
  if (fault?.kind === 'hang') {
    args.hanging.add(args.res);
    args.res.on('close', () => args.hanging.delete(args.res));
    return null;
  }
  if (fault?.kind === 'http') return { status: fault.status ?? 503, body: { message: 'injected HTTP failure' } };
  if (fault?.kind === 'errcode') return { status: 200, body: { errcode: fault.errcode ?? -1, errmsg: fault.errmsg ?? 'injected failure' } };
  if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 1000));
  const body = parseJson(args.raw);
  const now = args.now();
  if (path === '/gettoken' && method === 'GET') return getToken(state, query, now);
  if (method !== 'POST') return { status: 405, body: { errcode: 405, errmsg: 'method not allowed' } };
  if (target === 'robot') return robotSend(state, query, body, now);
  if (target === 'asyncsend') return asyncSend(state, query, body, now);
  return getSendResult(state, query, body, now);
}

async function control(args: RouteArgs): Promise<SimAnswer> {
  const { state, method, path } = args;
  const body = parseJson(args.raw) as Record<string, unknown> | undefined;
  const done: SimAnswer = { status: 200, body: { ok: true } };
  if (method === 'GET' && path === '/__sim/health') return { status: 200, body: { ok: true } };
  if (method === 'GET' && path === '/__sim/state') {
    return { status: 200, body: { robotMessages: state.robotMessages, robotRejections: state.robotRejections, notices: state.notices, callCounts: state.callCounts, faults: state.faults } };
  }
  if (method !== 'POST' && method !== 'DELETE') return { status: 405, body: { error: 'method not allowed' } };
  switch (path) {
    case '/__sim/reset':
      state.reset();
      return done;
    case '/__sim/robots':
      state.robots.set(String(body?.['accessToken']), body as unknown as RobotConfig);
      return done;
    case '/__sim/apps':
      state.apps.set(String(body?.['appKey']), body as unknown as AppConfig);
      return done;
    case '/__sim/tokens/expire': {
      // Expire every token (or one app's): the next call with it gets 42001.
      for (const record of state.tokens.values()) if (!body?.['appKey'] || record.appKey === body['appKey']) record.expiresAt = 0;
      return done;
    }
    case '/__sim/faults':
      if (method === 'DELETE') state.faults = [];
      else {
        const fault = body as unknown as Fault;
        state.faults.push({ ...fault, times: typeof fault.times === 'number' && fault.times > 0 ? fault.times : 1 });
      }
      return done;
    case '/__sim/callbacks/send':
      return { status: 200, body: await pushEvent(body as unknown as PushRequest) };
    default:
      return { status: 404, body: { error: `no such control endpoint ${path}` } };
  }
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, answer: SimAnswer): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(answer.body));
}
