/**
 * bench/dingtalk-callbacks: DingTalk wants the encrypted `success` within 1.5 s. Pushes N encrypted
 * events from apps/dingtalk-sim to a real server (in-process, real PostgreSQL and Redis; no flow is
 * published, so each request is verify + decrypt + one event commit + reply) at concurrency C and
 * prints p50/p99 of the round trip, next to a baseline of the same number of plain CloudEvents
 * through the event gateway in the same run.
 *
 *   pnpm exec tsx bench/dingtalk-callbacks.ts [--events 500] [--concurrency 8]
 */
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { createSimulator } from '../apps/dingtalk-sim/src/index';
import { startHarness } from '../apps/server/src/test-support/harness';
import { fmt, summary } from './stats';

const { values } = parseArgs({ options: { events: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '8' } } });
const N = Number(values.events);
const C = Number(values.concurrency);
const AES_KEY = 'Qiao0dingtalk0callback0bench0key0abcdefghij';

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await fn(item);
    }
  }));
}

const harness = await startHarness();
const sim = await createSimulator();
try {
  await harness.app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
  const connection = await harness.db.prisma.connection.create({
    data: { name: 'bench dingtalk', connectorId: 'dingtalk', secret: harness.services.box.sealJson({ kind: 'app', appKey: 'dingbench', appSecret: 's', callbackToken: 'tok', aesKey: AES_KEY }) },
  });
  const ids = Array.from({ length: N }, (_, i) => i);

  const base: number[] = [];
  let t0 = performance.now();
  await pool(ids, C, async (i) => {
    const s = performance.now();
    const res = await fetch(`${url}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${harness.apiKey}`, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id: `base-${i}`, source: '/bench', type: 'com.qiao.bench.baseline', data: { processInstanceId: `PI-${i}`, result: 'agree' } }) });
    await res.text();
    if (res.status !== 202) throw new Error(`baseline refused: ${res.status}`);
    base.push(performance.now() - s);
  });
  const baseSeconds = (performance.now() - t0) / 1000;

  const callbacks: number[] = [];
  let slowest = 0;
  t0 = performance.now();
  await pool(ids, C, async (i) => {
    const s = performance.now();
    const result = await sim.pushEvent({ url: `${url}/api/callbacks/dingtalk/${connection.id}`, token: 'tok', aesKey: AES_KEY, ownerKey: 'dingbench', event: { EventType: 'bpms_instance_change', processInstanceId: `PI-${i}`, type: 'finish', result: 'agree' } });
    if (!result.successReply) throw new Error(`callback not answered with success: ${result.status} ${result.replyProblem ?? ''}`);
    const ms = performance.now() - s;
    callbacks.push(ms);
    slowest = Math.max(slowest, ms);
  });
  const callbackSeconds = (performance.now() - t0) / 1000;
  const b = summary(base);
  const c = summary(callbacks);
  console.log(`\nbench/dingtalk-callbacks — ${N} events at concurrency ${C}, node ${process.version}\n`);
  console.log('| path                                          | events/s | p50 ms | p99 ms | max ms |');
  console.log('|-----------------------------------------------|---------:|-------:|-------:|-------:|');
  console.log(`| baseline: POST /api/events (plain CloudEvent)  | ${fmt(N / baseSeconds).padStart(8)} | ${fmt(b.p50).padStart(6)} | ${fmt(b.p99).padStart(6)} | ${fmt(b.max).padStart(6)} |`);
  console.log(`| DingTalk push: verify, decrypt, commit, reply  | ${fmt(N / callbackSeconds).padStart(8)} | ${fmt(c.p50).padStart(6)} | ${fmt(c.p99).padStart(6)} | ${fmt(c.max).padStart(6)} |`);
  console.log(`\nDingTalk's limit is 1500 ms per callback; slowest here ${fmt(slowest)} ms.`);
} finally {
  await sim.close();
  await harness.close();
}
