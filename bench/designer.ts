/**
 * bench/designer: the flow designer in Debian's Chromium against the real stack (started as
 * `npm start` does, on a throw-away database). Creates a generated 500-node flow and a 50-node
 * baseline through the API, opens each and prints
 *   - time to first render of the canvas (navigation start → first node card painted, and → all cards),
 *   - frame times (p50/p95/max, requestAnimationFrame deltas) and long tasks while a node is dragged
 *     with the mouse,
 * and the production bundle size (gzip) of the initial route (the JS + CSS the login and flow-list
 * pages load) next to what opening the designer adds.
 *
 *   pnpm bench:designer [--nodes 500] [--baseline 50] [--skip-build] [--profile]
 *
 * --profile also records a CPU profile of each drag (test-results/bench-designer-<n>.cpuprofile,
 * open it in Chrome DevTools) and prints the functions with the most self time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { startTestStack } from '../e2e/support/stack-fixture';
import { fmt, percentile } from './stats';

const { values } = parseArgs({ options: { nodes: { type: 'string', default: '500' }, baseline: { type: 'string', default: '50' }, 'skip-build': { type: 'boolean', default: false }, profile: { type: 'boolean', default: false } } });
const root = path.resolve(import.meta.dirname, '..');
const webDist = path.join(root, 'apps', 'web', 'dist');
const ADMIN = { username: 'admin', password: 'qiao-admin' };

function newest(dir: string): number {
  let latest = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = path.join(dir, name);
    const s = statSync(full);
    latest = Math.max(latest, s.isDirectory() ? newest(full) : s.mtimeMs);
  }
  return latest;
}

/** Builds the apps when the web bundle is missing or older than any source it (or the server) is built from. */
function buildIfNeeded(): void {
  const index = path.join(webDist, 'index.html');
  const sources = [path.join(root, 'apps', 'web', 'src'), path.join(root, 'apps', 'server', 'src'), ...readdirSync(path.join(root, 'packages')).map((p) => path.join(root, 'packages', p, 'src'))].filter(existsSync);
  const stale = !existsSync(index) || sources.some((dir) => newest(dir) > statSync(index).mtimeMs);
  if (values['skip-build'] && existsSync(index)) return;
  if (!stale) return;
  console.log('building the apps (node scripts/build.mjs)…');
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('node scripts/build.mjs failed');
}

/** gzip -9 size of a file the server serves from the web build, by URL path. */
function gzipSize(urlPath: string): number {
  const file = path.join(webDist, decodeURIComponent(urlPath));
  if (!file.startsWith(webDist) || !existsSync(file)) return 0;
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

/** A 16-wide grid (zoom to fit shows all 500 cards above the minimum zoom) of Kingdee push steps, each column a chain, with a cross edge every third row. */
function generatedFlow(n: number, connectionId: string | undefined) {
  const width = 16;
  const nodes = Array.from({ length: n }, (_, i) => {
    const row = Math.floor(i / width);
    const id = `step_${i}`;
    const above = row > 0 ? `step_${i - width}` : null;
    return {
      id,
      type: 'kingdee.pushBill',
      name: `Push ${i}`,
      ...(connectionId ? { connectionId } : {}),
      position: { x: (i % width) * 260, y: row * 160 },
      parameters: {
        sourceFormId: 'SAL_SaleOrder',
        sourceNumbers: above ? { $expr: `[steps.${above}.targets[0].number]` } : { $expr: '[event.data.orderNo]' },
        ruleId: 'SaleOrder-OutStock',
        targetFormId: 'SAL_OUTSTOCK',
      },
    };
  });
  const edges = [];
  for (let i = width; i < n; i++) {
    edges.push({ id: `e_${i}`, source: `step_${i - width}`, target: `step_${i}` });
    const row = Math.floor(i / width);
    if (row % 3 === 0 && i % width > 0) edges.push({ id: `x_${i}`, source: `step_${i - width - 1}`, target: `step_${i}` });
  }
  return { schemaVersion: 1, name: `Bench ${n} nodes`, trigger: { eventType: 'com.qiao.bench.order' }, nodes, edges };
}

async function trpc<T>(page: Page, o: { path: string; input?: unknown; mutation?: boolean }): Promise<T> {
  const base = new URL(page.url()).origin;
  const response = o.mutation
    ? await page.request.post(`${base}/trpc/${o.path}`, { data: o.input ?? {} })
    : await page.request.get(`${base}/trpc/${o.path}${o.input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(o.input))}`}`);
  if (!response.ok()) throw new Error(`${o.path}: HTTP ${response.status()} ${await response.text()}`);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

/** Records, from navigation start, when the first node card and when `expected` cards are in a painted frame. */
const RENDER_PROBE = `
  window.__qiaoBench = { firstNode: null, allNodes: null, expected: 0 };
  const check = () => {
    const count = document.querySelectorAll('.react-flow__node').length;
    const b = window.__qiaoBench;
    if (count > 0 && b.firstNode === null) requestAnimationFrame(() => { b.firstNode ??= performance.now(); });
    if (b.expected > 0 && count >= b.expected && b.allNodes === null) requestAnimationFrame(() => { b.allNodes ??= performance.now(); });
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
`;

/** requestAnimationFrame deltas and long tasks from now until `window.__recording` is cleared. */
const FRAME_RECORDER = `
  window.__frames = [];
  window.__recording = true;
  window.__longTasks = 0;
  new PerformanceObserver((list) => (window.__longTasks += list.getEntries().length)).observe({ type: 'longtask' });
  let last;
  const tick = (t) => {
    if (last !== undefined) window.__frames.push(t - last);
    last = t;
    if (window.__recording) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
`;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

/** The functions with the most self time in a CPU profile (sampled), with their bundle file. */
function printHotspots(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }, what: string): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  (profile.samples ?? []).forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas?.[i] ?? 0) / 1000);
  });
  console.log(`\nCPU profile of the ${what}, self time:`);
  for (const [name, ms] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${fmt(ms, 0).padStart(6)} ms  ${name}`);
}

interface Drag {
  /** Where the drag happened: zoomed to fit the whole flow, or zoomed in to a working zoom. */
  view: string;
  frames: number[];
  longTasks: number;
  /** How far the card moved on screen, in pixels. */
  moved: number;
  /** Cards in the DOM during the drag (onlyRenderVisibleElements leaves out those off screen). */
  cards: number;
  /** Main-thread time during the drag (Chrome's Performance.getMetrics): JavaScript, style + layout, all tasks. */
  scriptMs: number;
  layoutMs: number;
  taskMs: number;
}

interface Measure {
  nodes: number;
  firstNodeMs: number;
  allNodesMs: number;
  drags: Drag[];
}

/** The card nearest the middle of the canvas (so it is well inside it; the palette is to the left). */
const MIDDLE_CARD = `(() => {
  const c = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
  const cx = c.x + c.width / 2, cy = c.y + c.height / 2;
  let best = null, bestD = Infinity;
  for (const el of document.querySelectorAll('.react-flow__node')) {
    const r = el.getBoundingClientRect();
    const d = Math.hypot(r.x + r.width / 2 - cx, r.y + r.height / 2 - cy);
    if (d < bestD) { bestD = d; best = el.getAttribute('data-id'); }
  }
  return best;
})()`;

async function measureDrag(page: Page, o: { view: string; nodes: number }): Promise<Drag> {
  const cardId = (await page.evaluate(MIDDLE_CARD)) as string | null;
  const card = page.locator(`.react-flow__node[data-id="${cardId ?? ''}"]`);
  const box = await card.boundingBox({ timeout: 10_000 });
  if (!box || cardId === null) throw new Error('no card in the middle of the canvas');
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
  const before = await metrics();
  if (values.profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  await page.evaluate(FRAME_RECORDER);
  // The middle of the card: its name, away from the connection handles on the top and bottom edges.
  const start = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let i = 1; i <= 120; i++) {
    // 180 px right, 120 px down: stays clear of the canvas edges, where React Flow would start auto-panning.
    await page.mouse.move(start.x + i * 1.5, start.y + i);
    await page.waitForTimeout(8);
  }
  await page.mouse.up();
  await page.waitForTimeout(300);
  const { frames, longTasks } = (await page.evaluate('(window.__recording = false, { frames: window.__frames, longTasks: window.__longTasks })')) as { frames: number[]; longTasks: number };
  const spent = await metrics();
  const cards = await page.locator('.react-flow__node').count();
  if (values.profile) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(path.join(root, 'test-results', `bench-designer-${o.nodes}-${o.view}.cpuprofile`), JSON.stringify(profile));
    printHotspots(profile, `${o.nodes}-node drag (${o.view})`);
  }
  await cdp.detach();
  const ms = (name: string) => ((spent[name] ?? 0) - (before[name] ?? 0)) * 1000;
  const after = await card.boundingBox({ timeout: 5000 }).catch(() => null);
  await page.screenshot({ path: path.join(root, 'test-results', `bench-designer-${o.nodes}-${o.view}.png`) });
  return { view: o.view, frames, longTasks, cards, moved: after === null ? NaN : Math.round(Math.hypot(after.x - box.x, after.y - box.y)), scriptMs: ms('ScriptDuration'), layoutMs: ms('LayoutDuration') + ms('RecalcStyleDuration'), taskMs: ms('TaskDuration') };
}

async function measureFlow(page: Page, o: { flowId: string; nodes: number; rendered: () => void }): Promise<Measure> {
  await page.bringToFront();
  await page.addInitScript({ content: RENDER_PROBE });
  await page.goto(`/flows/${o.flowId}`, { waitUntil: 'commit' });
  // Browser-side code is passed as text: this file is type-checked without DOM typings.
  await page.evaluate(`window.__qiaoBench.expected = ${o.nodes}`);
  await page.waitForFunction('window.__qiaoBench.allNodes !== null', undefined, { timeout: 120_000 });
  const { firstNode, allNodes } = (await page.evaluate('window.__qiaoBench')) as { firstNode: number; allNodes: number };
  o.rendered();
  // Let validation, autosave and fitView settle before dragging.
  await page.waitForTimeout(1500);
  // First where people work: zoomed in on the middle of the flow (the controls' zoom-in, ×1.2 a
  // press, 12 presses from the fitted ≈0.12 to ≈1.1), where only the cards on screen are rendered…
  const zoomIn = page.getByRole('button', { name: 'Zoom In' });
  for (let i = 0; i < 12 && (await zoomIn.isEnabled()); i++) await zoomIn.click();
  await page.waitForTimeout(1000);
  const drags = [await measureDrag(page, { view: 'zoomed', nodes: o.nodes })];
  // …then the worst case: the whole flow fitted on screen, every card rendered.
  await page.getByRole('button', { name: 'Zoom to fit' }).click();
  await page.waitForTimeout(1000);
  drags.push(await measureDrag(page, { view: 'fit', nodes: o.nodes }));
  return { nodes: o.nodes, firstNodeMs: firstNode, allNodesMs: allNodes, drags };
}

buildIfNeeded();
mkdirSync(path.join(root, 'test-results'), { recursive: true });
const stack = await startTestStack('benchdesigner', { workers: 1, extraEnv: { LOG_LEVEL: 'warn' } });
let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
try {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ baseURL: stack.serverUrl, viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();

  // Initial route: everything the login page and then the flow list load.
  type Phase = 'initial' | 'designer' | 'panel';
  const loaded = new Map<string, { phase: Phase; bytes: number }>();
  let phase: Phase = 'initial';
  const record = (response: { url(): string; request(): { resourceType(): string } }) => {
    const type = response.request().resourceType();
    if (type !== 'script' && type !== 'stylesheet') return;
    const urlPath = new URL(response.url()).pathname;
    if (!loaded.has(urlPath)) loaded.set(urlPath, { phase, bytes: gzipSize(urlPath) });
  };
  const total = (p: Phase) => [...loaded.values()].filter((v) => v.phase === p).reduce((a, v) => a + v.bytes, 0);
  const files = (p: Phase) => [...loaded.entries()].filter(([, v]) => v.phase === p).map(([k]) => k.replace('/assets/', ''));
  page.on('response', record);
  await page.goto('/login', { waitUntil: 'networkidle' });
  await page.getByLabel('User name').fill(ADMIN.username);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByLabel('Password').press('Enter');
  await page.waitForURL(/\/flows$/);
  await page.waitForLoadState('networkidle');

  const connections = await trpc<{ id: string; connectorId: string }[]>(page, { path: 'connections.list' });
  const kingdee = connections.find((c) => c.connectorId === 'kingdee')?.id;
  const sizes = [Number(values.baseline), Number(values.nodes)];
  const flows: { id: string; nodes: number }[] = [];
  for (const n of sizes) {
    const document = generatedFlow(n, kingdee);
    const created = await trpc<{ id: string }>(page, { path: 'flows.create', input: { name: document.name, document }, mutation: true });
    flows.push({ id: created.id, nodes: n });
  }

  phase = 'designer';
  const results: Measure[] = [];
  for (const f of flows) {
    // A fresh context (same login) per flow, so nothing of the previous page is warm or in the way.
    const own = await browser.newContext({ baseURL: stack.serverUrl, viewport: { width: 1280, height: 800 }, locale: 'en-US', storageState: await context.storageState() });
    const p = await own.newPage();
    p.on('response', record);
    results.push(await measureFlow(p, { flowId: f.id, nodes: f.nodes, rendered: () => (phase = 'panel') }));
    await own.close();
  }

  const kb = (bytes: number) => `${fmt(bytes / 1024)} KB`;
  console.log('\nbench/designer — Chromium (headless, /usr/bin/chromium), 1280×800, real stack');
  console.log(`initial route (login + flow list), JS+CSS gzip: ${kb(total('initial'))}  [${files('initial').join(', ')}]`);
  console.log(`opening the designer adds (lazy), gzip:        ${kb(total('designer'))}  [${files('designer').join(', ')}]`);
  console.log(`selecting a step adds the expression tools:    ${kb(total('panel'))}  [${files('panel').join(', ')}]`);
  console.log('\nnodes  first card (ms)  all cards (ms)  drag view  cards  frames  frame p50  frame p95  frame max  long tasks  card moved  main thread: script / style+layout / all tasks (ms)');
  for (const r of results) {
    for (const d of r.drags) {
      const sorted = [...d.frames].sort((a, b) => a - b);
      console.log(
        `${String(r.nodes).padStart(5)}  ${fmt(r.firstNodeMs, 0).padStart(15)}  ${fmt(r.allNodesMs, 0).padStart(14)}  ${d.view.padStart(9)}  ${String(d.cards).padStart(5)}  ${String(d.frames.length).padStart(6)}  ${fmt(percentile(sorted, 50)).padStart(9)}  ${fmt(percentile(sorted, 95)).padStart(9)}  ${fmt(sorted.at(-1) ?? NaN).padStart(9)}  ${String(d.longTasks).padStart(10)}  ${String(d.moved).padStart(7)} px  ${fmt(d.scriptMs, 0)} / ${fmt(d.layoutMs, 0)} / ${fmt(d.taskMs, 0)}`,
      );
    }
  }
  console.log(`\n(the ${sizes[0]}-node flow is the baseline measured in the same run; frame times are requestAnimationFrame deltas, 16.7 ms = 60 fps)`);
} finally {
  await browser?.close();
  await stack.dispose();
}
