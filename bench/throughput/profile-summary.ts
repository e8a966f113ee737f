/**
 * Summarises the CPU profiles written by `pnpm bench:throughput --profile <dir>` (or bench:gateway):
 * per process, where the sampled time went by component (self time of the leaf frame), and the top
 * functions. Time spent loading modules at start-up is shown apart so it does not hide the hot path.
 *
 *   pnpm exec tsx bench/throughput/profile-summary.ts <dir> [--top 20]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const COMPONENTS: [string, RegExp][] = [
  ['start-up (module loading)', /node:internal\/modules|cjs-module-lexer|\/tsx@|esbuild/],
  ['Prisma client', /@prisma\+client|@prisma\+adapter-pg|@prisma\+debug/],
  ['node-postgres', /\/pg@|\/pg-pool@|\/pg-protocol@|\/pg-types@/],
  ['BullMQ + ioredis', /\/bullmq@|\/ioredis@|\/msgpackr@/],
  ['fetch (undici)', /undici/],
  ['Fastify', /fastify|find-my-way|avvio|light-my-request/],
  ['zod', /\/zod@/],
  ['JSONata', /jsonata/],
  ['pino', /pino/],
  ['Qiao code', /\/(packages|apps)\//],
  ['Node streams, net, http', /node:(internal\/streams|net|_http|internal\/stream_base|internal\/http)/],
];

function component(url: string, fn: string): string {
  if (fn === '(idle)') return '(idle)';
  if (fn === '(garbage collector)') return 'garbage collector';
  if (fn === 'writev' || fn === 'writeBuffer' || fn === 'writeUtf8String' || fn === 'writeLatin1String') return 'socket writes (syscalls)';
  for (const [name, pattern] of COMPONENTS) if (pattern.test(url)) return name;
  if (fn === 'runMicrotasks' || fn === '(program)') return 'V8 (microtasks, program)';
  return url ? 'other (Node internals, libraries)' : 'other native';
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '20' } } });
const dir = positionals[0];
if (!dir) throw new Error('usage: profile-summary.ts <dir>');
for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const byComponent = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    byComponent.set(component(frame.url, frame.functionName), (byComponent.get(component(frame.url, frame.functionName)) ?? 0) + us);
    const where = frame.url.replace(/.*node_modules\/\.pnpm\/([^/]+)\/.*/, '$1').replace(/.*\/(packages|apps)\//, '$1/');
    const key = `${frame.functionName || '(anonymous)'}  ${where}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  }
  const busy = total - (byComponent.get('(idle)') ?? 0) - (byComponent.get('start-up (module loading)') ?? 0);
  const pct = (us: number, of: number) => `${((us / of) * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy after start-up`);
  console.log('  by component (share of busy time after start-up):');
  for (const [name, us] of [...byComponent].sort((a, b) => b[1] - a[1])) {
    if (name === '(idle)' || name.startsWith('start-up')) console.log(`    ${' '.repeat(6)} ${(us / 1e6).toFixed(1).padStart(5)} s  ${name}`);
    else console.log(`    ${pct(us, busy)} ${(us / 1e6).toFixed(1).padStart(5)} s  ${name}`);
  }
  console.log(`  top ${values.top} functions (self time):`);
  for (const [key, us] of [...byFunction].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) {
    console.log(`    ${pct(us, total)}  ${key}`);
  }
}
