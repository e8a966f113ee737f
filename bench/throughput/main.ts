/**
 * bench/throughput — the reference flow (event → map fields → POST the document to an ERP-like sink)
 * through Qiao's real stack (gateway, PostgreSQL, Redis, worker processes, every step checkpointed),
 * next to two baselines in the same run: a bare Node HTTP handler doing the map-and-POST in process
 * (the ceiling) and Node-RED 4.1.15 with the same flow. Each runs closed-loop at each concurrency;
 * latency is from sending the order to the document's arrival at the sink.
 *
 *   pnpm bench:throughput [--seconds 15] [--warmup 3] [--concurrency 1,16,64] [--systems bare,node-red,qiao]
 *                         [--workers 2] [--worker-concurrency 32] [--server-processes 1] [--eager-steps 256] [--eager-thread true] [--profile <dir>]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startTestStack, type TestStack } from '../../e2e/support/stack-fixture';
import { cpuMs, fmt, rss, summary, withChildren } from '../stats';
import { runClosedLoop, type LoadResult } from './closed-loop';
import type { BenchOrder } from './mapping.mjs';
import { startNodeRed, type NodeRed } from './node-red';
import { BENCH_EVENT_TYPE, publishReferenceFlow } from './reference-flow';
import { buildApps } from '../build-apps';
import { startSink } from './sink';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '1,16,64' },
    systems: { type: 'string', default: 'bare,node-red,qiao' },
    workers: { type: 'string', default: '2' },
    'worker-concurrency': { type: 'string', default: '32' },
    // SERVER_PROCESSES and EAGER_STEPS of the server (see the README); 0 eager steps = workers run everything.
    'server-processes': { type: 'string', default: '1' },
    'eager-steps': { type: 'string', default: '256' },
    'eager-thread': { type: 'string', default: 'true' },
    profile: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
const levels = values.concurrency.split(',').map(Number);
const systems = new Set(values.systems.split(','));
const root = path.resolve(import.meta.dirname, '../..');
const logDir = path.join(root, 'test-results', 'bench-throughput', new Date().toISOString().replace(/[:.]/g, '-'));
mkdirSync(logDir, { recursive: true });

// node:http with keep-alive: the load generator shares the 2 cores with the system under test, and
// fetch costs it about three times the CPU per request (bench/http-client.ts).
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const post = (url: string, body: string, headers: Record<string, string>, expected: number[]) =>
  new Promise<void>((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (expected.includes(res.statusCode ?? 0) ? resolve() : reject(new Error(`${url} answered ${res.statusCode}: ${text.slice(0, 300)}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });

buildApps();
const sink = await startSink();
const loadBefore = loadavg();
const results: { system: string; concurrency: number; result: LoadResult; cpuPerRun: number; cpuByPart: Map<string, number> }[] = [];

/** Runs one cell and charges the CPU time the system's processes used to the documents it delivered. */
async function cell(system: string, concurrency: number, pids: () => Promise<{ part: string; pid: number | undefined }[]>, run: () => Promise<LoadResult>): Promise<void> {
  const before = new Map((await pids()).map(({ pid }) => [pid, cpuMs(pid)]));
  const result = await run();
  const cpuByPart = new Map<string, number>();
  // Processes that appeared during the cell (pool connections opened under load) count from zero.
  for (const { part, pid } of await pids()) cpuByPart.set(part, (cpuByPart.get(part) ?? 0) + Math.max(0, cpuMs(pid) - (before.get(pid) ?? 0)) / Math.max(1, result.completed));
  const used = [...cpuByPart.values()].reduce((a, b) => a + b, 0);
  results.push({ system, concurrency, result, cpuPerRun: result.completed > 0 ? used : NaN, cpuByPart });
  console.log(`  ${system.padEnd(36)} c=${concurrency}: ${fmt(result.perSecond)} runs/s`);
}
const memory: string[] = [];
let bare: { pid: number | undefined; url: string; stop(): Promise<void> } | null = null;
let nodeRed: NodeRed | null = null;
let stack: TestStack | null = null;
let qiaoRuns = '';
try {
  if (systems.has('bare')) {
    bare = await startBare(sink.url);
    for (const concurrency of levels) {
      const url = `${bare.url}/order`;
      const pid = bare.pid;
      await cell('bare Node (ceiling)', concurrency, async () => [{ part: 'bare', pid }], () =>
        runClosedLoop({ label: `bare-${concurrency}`, concurrency, seconds, warmupSeconds, sink, send: (o) => post(url, JSON.stringify(o), { 'content-type': 'application/json' }, [200]) }));
    }
    memory.push(`bare Node ${rss(bare.pid)}`);
    await bare.stop();
  }
  if (systems.has('node-red')) {
    nodeRed = await startNodeRed({ root, sinkUrl: sink.url, logFile: path.join(logDir, 'node-red.log') });
    for (const concurrency of levels) {
      const url = `${nodeRed.url}/order`;
      const pid = nodeRed.process.child.pid;
      await cell('Node-RED 4.1.15', concurrency, async () => [{ part: 'node-red', pid }], () =>
        runClosedLoop({ label: `nr-${concurrency}`, concurrency, seconds, warmupSeconds, sink, send: (o) => post(url, JSON.stringify(o), { 'content-type': 'application/json' }, [200]) }));
    }
    memory.push(`Node-RED ${rss(nodeRed.process.child.pid)}`);
    await nodeRed.stop();
  }
  if (systems.has('qiao')) {
    const extraEnv: Record<string, string> = {
      LOG_LEVEL: 'warn', WORKER_CONCURRENCY: values['worker-concurrency'],
      SERVER_PROCESSES: values['server-processes'], EAGER_STEPS: values['eager-steps'], EAGER_THREAD: values['eager-thread'],
      // Production defaults for the sweeper and leases (the test stack shortens them).
      SWEEP_INTERVAL_MS: '5000', SWEEP_GRACE_MS: '15000', LEASE_MARGIN_MS: '30000',
    };
    if (values.profile) {
      // NODE_OPTIONS refuses --cpu-prof; a preloaded module records the profile instead.
      mkdirSync(path.resolve(values.profile), { recursive: true });
      extraEnv['NODE_OPTIONS'] = `--import=${path.join(import.meta.dirname, 'cpu-profile.mjs')}`;
      extraEnv['QIAO_CPU_PROFILE_DIR'] = path.resolve(values.profile);
    }
    const qiaoLabel = `Qiao (${values['server-processes']} srv ${values['eager-steps']} eager, ${values.workers} wrk)`;
    const qiao = await startTestStack('throughput', { workers: Number(values.workers), extraEnv });
    stack = qiao;
    await publishReferenceFlow({ databaseUrl: qiao.databaseUrl, secretKey: qiao.secretKey, sinkUrl: sink.url });
    const headers = { authorization: `Bearer ${qiao.apiKey}`, 'content-type': 'application/cloudevents+json' };
    const send = (order: BenchOrder) =>
      post(`${qiao.serverUrl}/api/events`, JSON.stringify({ specversion: '1.0', id: randomUUID(), source: '/bench/crm', type: BENCH_EVENT_TYPE, subject: order.orderNo, data: order }), headers, [202]);
    const db = new pg.Client({ connectionString: qiao.databaseUrl });
    await db.connect();
    try {
      // Qiao's CPU: server, workers, and the PostgreSQL backends serving this database (Redis is shared with other work and not counted).
      const pids = async () => {
        const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        return [
          ...withChildren(qiao.server.child.pid).map((pid) => ({ part: 'server', pid })),
          ...qiao.workers.map((w) => ({ part: 'workers', pid: w?.child.pid })),
          ...rows.map((r) => ({ part: 'postgres', pid: r.pid })),
        ];
      };
      for (const concurrency of levels) {
        await cell(qiaoLabel, concurrency, pids, () => runClosedLoop({ label: `qiao-${concurrency}`, concurrency, seconds, warmupSeconds, sink, send }));
      }
      memory.push(`Qiao server ${withChildren(qiao.server.child.pid).map((pid) => rss(pid)).join(' + ')}`, ...qiao.workers.map((w, i) => `worker-${i + 1} ${rss(w?.child.pid)}`));
      // The last documents reach the sink just before their steps commit: let those finish first.
      const statuses = () => db.query<{ status: string; n: string }>(`SELECT r.status::text AS status, count(*) AS n FROM runs r JOIN flows f ON f.id = r."flowId" WHERE f."triggerType" = $1 GROUP BY 1 ORDER BY 1`, [BENCH_EVENT_TYPE]);
      let { rows } = await statuses();
      for (let i = 0; i < 100 && rows.some((r) => r.status === 'pending' || r.status === 'running'); i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ({ rows } = await statuses());
      }
      qiaoRuns = rows.map((r) => `${r.status} ${r.n}`).join(', ');
    } finally {
      await db.end();
    }
  }
} finally {
  await bare?.stop().catch(() => undefined);
  await nodeRed?.stop().catch(() => undefined);
  await stack?.dispose();
  await sink.close();
  agent.destroy();
}
memory.push(`bench client + sink ${rss(process.pid)}`);

console.log(`\nbench/throughput — reference flow (event → map fields → POST to sink), closed loop, ${seconds} s per cell after ${warmupSeconds} s warm-up, node ${process.version}`);
console.log('latency: from sending the order to the document arriving at the sink\n');
console.log('| system                              | concurrency |   runs/s | p50 ms | p99 ms | max ms | CPU ms/run | errors |');
console.log('|-------------------------------------|------------:|---------:|-------:|-------:|-------:|-----------:|-------:|');
for (const { system, concurrency, result, cpuPerRun } of results) {
  const s = summary(result.latencies);
  console.log(`| ${system.padEnd(35)} | ${String(concurrency).padStart(11)} | ${fmt(result.perSecond).padStart(8)} | ${fmt(s.p50).padStart(6)} | ${fmt(s.p99).padStart(6)} | ${fmt(s.max).padStart(6)} | ${fmt(cpuPerRun, 2).padStart(10)} | ${String(result.errors).padStart(6)} |`);
}
for (const r of results.filter((x) => x.cpuByPart.size > 1)) {
  console.log(`CPU ms/run, ${r.system} c=${r.concurrency}: ${[...r.cpuByPart].map(([part, ms]) => `${part} ${fmt(ms, 2)}`).join(', ')}`);
}
console.log('CPU ms/run: CPU time of the system\'s own processes (Qiao: server, workers and its PostgreSQL backends) per delivered document — steadier than runs/s on a shared machine');
const errors = results.filter((r) => r.result.firstError);
for (const r of errors) console.log(`first error, ${r.system} c=${r.concurrency}: ${r.result.firstError ?? ''}`);
console.log(`\nsink: ${sink.received} documents received, ${sink.duplicates} duplicates`);
if (qiaoRuns) console.log(`Qiao runs: ${qiaoRuns}`);
console.log(`memory (RSS at the end of each system's run): ${memory.join(', ')}`);
console.log(`load average (1/5/15 min): before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadavg().map((l) => l.toFixed(2)).join(' ')} — the machine is shared; other work skews the figures`);
console.log(`logs: ${path.relative(root, logDir)}`);

/** The ceiling, in a process of its own like the others. */
async function startBare(sinkUrl: string): Promise<{ pid: number | undefined; url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'bare-server.mjs'), sinkUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(line.replace('listening ', '')));
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
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
