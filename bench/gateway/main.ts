/**
 * bench/gateway — event accept latency under open-loop constant-rate load: POST /api/events on the
 * real gateway (API key, PostgreSQL commit of event + run + first step, queueing), request → 202,
 * next to a bare Fastify route that parses the body and answers 202 at the same rate, in the same run.
 * The events start the throughput bench's reference flow, so workers run meanwhile as in production.
 *
 *   pnpm bench:gateway [--rate 500] [--seconds 20] [--warmup 10] [--workers 2] [--server-processes 1] [--eager-steps 256] [--eager-thread true] [--profile <dir>]
 */
import { fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { loadavg } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startTestStack, type TestStack } from '../../e2e/support/stack-fixture';
import { cpuMs, fmt, rss, summary, withChildren } from '../stats';
import { benchOrder } from '../throughput/closed-loop';
import { BENCH_EVENT_TYPE, publishReferenceFlow } from '../throughput/reference-flow';
import { buildApps } from '../build-apps';

import { runOpenLoop, type OpenLoopResult } from './open-loop';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    // The server reaches its steady state (JIT, connection pools) only after several seconds at this rate.
    warmup: { type: 'string', default: '10' },
    workers: { type: 'string', default: '2' },
    // SERVER_PROCESSES, EAGER_STEPS and EAGER_THREAD of the server (see the README).
    'server-processes': { type: 'string', default: '1' },
    'eager-steps': { type: 'string', default: '256' },
    'eager-thread': { type: 'string', default: 'true' },
    profile: { type: 'string' },
  },
});
const rate = Number(values.rate);
if (values.profile) mkdirSync(path.resolve(values.profile), { recursive: true });
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);

interface Row {
  system: string;
  result: OpenLoopResult;
  cpuPerEvent: number;
  rss: string;
}
const rows: Row[] = [];
const loadBefore = loadavg();

/** Warm-up at the same rate (not counted), then the measured period; CPU of `pid` charged per measured request. */
async function measure(system: string, pid: number | undefined, send: (seq: number) => Promise<number>): Promise<void> {
  if (warmup > 0) await runOpenLoop({ ratePerSecond: rate, seconds: warmup, send });
  const cpu = () => withChildren(pid).reduce((sum, p) => sum + cpuMs(p), 0);
  const cpuBefore = cpu();
  const result = await runOpenLoop({ ratePerSecond: rate, seconds, send });
  rows.push({ system, result, cpuPerEvent: (cpu() - cpuBefore) / result.sent, rss: withChildren(pid).map((p) => rss(p)).join(' + ') });
  const s = summary(result.latencies);
  console.log(`  ${system}: p50 ${fmt(s.p50, 2)} ms, p99 ${fmt(s.p99, 2)} ms`);
}

const cloudEvent = (seq: number) => {
  const order = benchOrder(`GW-${seq}-${randomUUID().slice(0, 8)}`, seq);
  return JSON.stringify({ specversion: '1.0', id: randomUUID(), source: '/bench/crm', type: BENCH_EVENT_TYPE, subject: order.orderNo, time: new Date().toISOString(), data: order });
};
// node:http with keep-alive: a lighter client than fetch, so the load generator is not what saturates first.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const poster = (url: string, headers: Record<string, string>) => (seq: number) =>
  new Promise<number>((resolve, reject) => {
    const body = cloudEvent(seq);
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

buildApps();
const sink = await startSinkProcess();
let stack: TestStack | null = null;
let sinkStats: { received: number; duplicates: number } | undefined;
let accepted: string | undefined;
try {
  const baseline = await startBaseline();
  try {
    await measure('bare Fastify route → 202 (baseline)', baseline.pid, poster(`${baseline.url}/api/events`, { 'content-type': 'application/cloudevents+json' }));
  } finally {
    await baseline.stop();
  }

  stack = await startTestStack('gateway', {
    workers: Number(values.workers),
    extraEnv: {
      LOG_LEVEL: 'warn', SERVER_PROCESSES: values['server-processes'], EAGER_STEPS: values['eager-steps'], EAGER_THREAD: values['eager-thread'], SWEEP_INTERVAL_MS: '5000', SWEEP_GRACE_MS: '15000', LEASE_MARGIN_MS: '30000',
      // NODE_OPTIONS refuses --cpu-prof; the throughput bench's preload records a profile per process instead.
      ...(values.profile ? { NODE_OPTIONS: `--import=${path.join(import.meta.dirname, '..', 'throughput', 'cpu-profile.mjs')}`, QIAO_CPU_PROFILE_DIR: path.resolve(values.profile) } : {}),
    },
  });
  await publishReferenceFlow({ databaseUrl: stack.databaseUrl, secretKey: stack.secretKey, sinkUrl: sink.url });
  await measure('Qiao gateway → 202 (event, run, step committed)', stack.server.child.pid, poster(`${stack.serverUrl}/api/events`, { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/cloudevents+json' }));
  const db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
  try {
    const { rows: counts } = await db.query<{ events: string; runs: string }>(`SELECT (SELECT count(*) FROM events WHERE type = $1) AS events, (SELECT count(*) FROM runs r JOIN flows f ON f.id = r."flowId" WHERE f."triggerType" = $1) AS runs`, [BENCH_EVENT_TYPE]);
    accepted = `${counts[0]?.events ?? '?'} events and ${counts[0]?.runs ?? '?'} runs committed`;
  } finally {
    await db.end();
  }
} finally {
  agent.destroy();
  await stack?.dispose();
  sinkStats = await sink.stats();
  await sink.close();
}

console.log(`\nbench/gateway — open loop at ${rate} events/s for ${seconds} s (after ${warmup} s warm-up), node ${process.version}`);
console.log('latency: from the moment each request was due to its answer\n');
console.log('| endpoint                                         | achieved/s | p50 ms | p90 ms | p99 ms | max ms | statuses        | server CPU ms/event | RSS     |');
console.log('|--------------------------------------------------|-----------:|-------:|-------:|-------:|-------:|-----------------|--------------------:|---------|');
for (const r of rows) {
  const s = summary(r.result.latencies);
  const sorted = [...r.result.latencies].sort((a, b) => a - b);
  const p90 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)] ?? NaN;
  const statuses = [...r.result.statuses].map(([code, n]) => `${code}×${n}`).join(' ') + (r.result.errors ? ` err×${r.result.errors}` : '');
  console.log(`| ${r.system.padEnd(48)} | ${fmt(r.result.achievedRate).padStart(10)} | ${fmt(s.p50, 2).padStart(6)} | ${fmt(p90, 2).padStart(6)} | ${fmt(s.p99, 2).padStart(6)} | ${fmt(s.max, 1).padStart(6)} | ${statuses.padEnd(15)} | ${fmt(r.cpuPerEvent, 2).padStart(19)} | ${r.rss.padEnd(7)} |`);
  if (r.result.firstError) console.log(`  first error: ${r.result.firstError}`);
}
if (accepted !== undefined) console.log(`\nQiao: ${accepted} (warm-up included); ${sinkStats?.received ?? '?'} documents reached the sink by the end, ${sinkStats?.duplicates ?? '?'} duplicates`);
console.log(`target: accept p99 ≤ 10 ms at 500 events/s`);
console.log(`load average (1/5/15 min): before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')} — the machine is shared; other work skews the figures`);

async function startBaseline(): Promise<{ pid: number | undefined; url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'baseline-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).once('line', (line) => resolve(line.replace('listening ', '')));
    child.once('exit', (code) => reject(new Error(`baseline server exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    pid: child.pid,
    url: `http://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The sink as a child process (see sink-child.ts). */
async function startSinkProcess(): Promise<{ url: string; stats(): Promise<{ received: number; duplicates: number }>; close(): Promise<void> }> {
  const child = fork(path.join(import.meta.dirname, 'sink-child.ts'), { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`the sink process exited with ${code}`)));
  });
  return {
    url,
    stats: () => new Promise((resolve) => {
      child.once('message', (m) => resolve(m as { received: number; duplicates: number }));
      child.send('stats');
    }),
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.disconnect();
      await exited;
    },
  };
}
