/**
 * bench/http-client: what one call through ctx.http costs the worker, for the connectors' HTTP
 * client (node:http over keep-alive pools) against the global fetch it replaced, in the same run.
 * A keep-alive node:http server in a child process (so its CPU is not counted) answers a small
 * JSON; each client sends `--requests` POSTs of a ~1 KB JSON body, `--concurrency` at a time,
 * with a caller signal and a 30 s timeout as connectors do. Printed per client and round:
 * requests/s, p50/p99 latency and this process's CPU (user + system) per request.
 *
 *   pnpm exec tsx bench/http-client.ts [--requests 20000] [--concurrency 16] [--rounds 2]
 *
 * The baseline is the old client's hot path: Headers, AbortSignal.timeout + AbortSignal.any, fetch,
 * the body streamed through a reader and TextDecoder under the size limit, the header map.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createHttpClient, DEFAULT_MAX_RESPONSE_BYTES } from '@qiao/connectors';
import { fmt, summary } from './stats';

const TIMEOUT_MS = 30_000;

if (process.argv.includes('--serve')) {
  const server = createServer((req, res) => {
    let length = 0;
    req.on('data', (chunk: Buffer) => (length += chunk.length));
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(`{"ok":true,"received":${length}}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
} else {
  await main();
}

type Send = (url: string, body: unknown, signal: AbortSignal) => Promise<string>;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '20000' }, concurrency: { type: 'string', default: '16' }, rounds: { type: 'string', default: '2' } } });
  const requests = Number(values.requests);
  const concurrency = Number(values.concurrency);
  const rounds = Number(values.rounds);

  const server: ChildProcess = fork(import.meta.filename, ['--serve'], { stdio: 'inherit' });
  const port = await new Promise<number>((resolve) => server.once('message', (m) => resolve(Number(m))));
  const url = `http://127.0.0.1:${port}/api/orders`;
  const body = { orderNo: 'SO-2026-000001', customer: 'C0042', lines: Array.from({ length: 10 }, (_, i) => ({ line: i + 1, material: `MAT-${1000 + i}`, qty: '12.500', price: '3.1400', note: 'standard delivery' })) };
  console.log(`POST ${JSON.stringify(body).length} B JSON × ${requests}, concurrency ${concurrency}, server in pid ${server.pid}, node ${process.version}`);

  const client = createHttpClient();
  const clients: [string, Send][] = [
    ['ctx.http (node:http)', async (u, json, signal) => (await client.request({ method: 'POST', url: u, json, timeoutMs: TIMEOUT_MS, signal, system: 'bench' })).text],
    ['fetch (baseline)', fetchAsBefore],
  ];
  try {
    for (const [, send] of clients) await run({ send, url, body, requests: 2000, concurrency }); // warm-up
    console.log('client                  round   req/s   p50 ms  p99 ms  CPU µs/req');
    for (let round = 1; round <= rounds; round++) {
      for (const [name, send] of clients) {
        const r = await run({ send, url, body, requests, concurrency });
        console.log(`${name.padEnd(22)}  ${String(round).padStart(5)}  ${fmt(r.perSecond, 0).padStart(6)}  ${fmt(r.p50, 2).padStart(7)} ${fmt(r.p99, 2).padStart(7)}  ${fmt(r.cpuMicros, 1).padStart(10)}`);
      }
    }
  } finally {
    server.kill();
  }
}

async function run(args: { send: Send; url: string; body: unknown; requests: number; concurrency: number }): Promise<{ perSecond: number; p50: number; p99: number; cpuMicros: number }> {
  const latencies: number[] = [];
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const lane = async () => {
    while (next < args.requests) {
      next++;
      const t = performance.now();
      // A fresh signal per call, like the step signal the runtime hands a connector.
      const text = await args.send(args.url, args.body, new AbortController().signal);
      latencies.push(performance.now() - t);
      if (!text.startsWith('{"ok":true')) throw new Error(`unexpected answer ${text}`);
    }
  };
  await Promise.all(Array.from({ length: args.concurrency }, lane));
  const elapsed = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const s = summary(latencies);
  return { perSecond: (args.requests / elapsed) * 1000, p50: s.p50, p99: s.p99, cpuMicros: (used.user + used.system) / args.requests };
}

/** The previous ctx.http on the same request, minus error classification (not on the hot path). */
async function fetchAsBefore(url: string, json: unknown, callerSignal: AbortSignal): Promise<string> {
  const headers = new Headers(undefined);
  const body = JSON.stringify(json);
  if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const signal = AbortSignal.any([callerSignal, timeout]);
  const response = await fetch(new URL(url).toString(), { method: 'POST', headers, body, signal });
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (!response.body || declared > DEFAULT_MAX_RESPONSE_BYTES) throw new Error('no body / too large');
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > DEFAULT_MAX_RESPONSE_BYTES) throw new Error('too large');
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  const map: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') map[name] = value;
  });
  response.headers.getSetCookie();
  return parts.join('');
}
