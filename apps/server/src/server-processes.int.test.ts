import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@qiao/db';
import { issueApiKey } from './gateway/api-keys';

const main = path.join(import.meta.dirname, 'main.ts');
const prefix = `qiao_test_procs_${randomBytes(4).toString('hex')}`;
let db: TestDatabase;
let apiKey: string;

interface Answer {
  status: number;
  process: string | undefined;
  body: string;
}

interface Server {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

beforeAll(async () => {
  db = await createTestDatabase('qiao_server_procs');
  const issued = issueApiKey();
  await db.prisma.apiKey.create({ data: { name: 'procs', source: '*', prefix: issued.prefix, keyHash: issued.keyHash } });
  apiKey = issued.key;
});

afterAll(async () => {
  const redis = new Redis('redis://127.0.0.1:6379');
  try {
    for (let cursor = '0'; ; ) {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (found.length > 0) await redis.del(...found);
      cursor = next;
      if (cursor === '0') break;
    }
  } finally {
    redis.disconnect();
  }
  await db?.drop();
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function startServer(processes: string): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, DATABASE_URL: db.url, QIAO_SECRET_KEY: 'a'.repeat(64), QUEUE_PREFIX: prefix, HOST: '127.0.0.1', PORT: String(port), SERVER_PROCESSES: processes, DATABASE_POOL_SIZE: '2', LOG_LEVEL: 'info', EAGER_STEPS: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, port, output: () => output, exited };
}

/** One request on its own connection: the primary hands out connections, not requests, in turn. */
function request(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, process: res.headers['x-qiao-process'] as string | undefined, body }));
    });
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.end(options.body);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const event = (id: string) => JSON.stringify({ specversion: '1.0', id, source: '/test/procs', type: 'com.qiao.test.procs', data: { n: id } });

describe('SERVER_PROCESSES=2', () => {
  it('answers from two worker processes on one port, replaces a killed one, and stops cleanly on SIGTERM', async () => {
    const server = await startServer('2');
    try {
      // Both workers answer, each naming itself; neither is the primary.
      const seen = new Set<string>();
      await until('answers from two processes', async () => {
        const res = await request(server.port, { path: '/healthz' });
        if (res.status === 200 && res.process) seen.add(res.process);
        return seen.size >= 2 ? true : undefined;
      });
      expect(seen.size).toBe(2);
      expect(seen.has(String(server.child.pid))).toBe(false);

      // The gateway works through both: every event is committed once, whichever process took it.
      const gatewayPids = new Set<string>();
      for (let i = 0; i < 12; i += 1) {
        const res = await request(server.port, { method: 'POST', path: '/api/events', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/cloudevents+json' }, body: event(`procs-${i}`) });
        expect(res.status, res.body).toBe(202);
        if (res.process) gatewayPids.add(res.process);
      }
      expect(gatewayPids).toEqual(seen);
      expect(await db.prisma.event.count({ where: { source: '/test/procs' } })).toBe(12);

      // SIGKILL one worker: the primary says why and starts another on the same port.
      const [victim, survivor] = [...seen].map(Number) as [number, number];
      process.kill(victim, 'SIGKILL');
      const replacement = await until('a replacement process', async () => {
        const res = await request(server.port, { path: '/healthz' });
        const pid = Number(res.process);
        return res.status === 200 && pid !== victim && pid !== survivor ? pid : undefined;
      });
      expect(alive(replacement)).toBe(true);
      expect(server.output()).toMatch(/server process died unexpectedly \(signal SIGKILL\); starting another/);

      // SIGTERM to the primary: the workers finish and exit, then the primary, with 0.
      server.child.kill('SIGTERM');
      const exit = await Promise.race([server.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no exit after SIGTERM:\n${server.output()}`)), 20_000))]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(alive(survivor)).toBe(false);
      expect(alive(replacement)).toBe(false);
      expect(server.output()).not.toMatch(/failed to start|still running/);
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('with SERVER_PROCESSES=1 serves from the one process, naming none', async () => {
    const server = await startServer('1');
    try {
      const res = await until('the server', async () => {
        const answer = await request(server.port, { path: '/healthz' });
        return answer.status === 200 ? answer : undefined;
      });
      expect(res.process).toBeUndefined();
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});
