// `npm test`: install what is missing, then lint, types, dependency rules, unit, integration,
// end-to-end, web and browser tests. Stops at the first failing stage and exits non-zero.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { ensureInstalled, run } from './bootstrap.mjs';

function listening(port) {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.setTimeout(1000, () => (s.destroy(), resolve(false)));
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

/** Browser tests use Debian's Chromium (Playwright's own download cannot reach its host). */
function ensureChromium() {
  if (existsSync('/usr/bin/chromium') && existsSync('/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc')) return;
  if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version']).status !== 0) {
    console.warn('! /usr/bin/chromium is missing and cannot be installed here (needs root and apt-get); browser tests will fail.');
    return;
  }
  // A CJK font too, or zh-CN screens render as boxes in browser tests and screenshots.
  console.log('• installing Chromium and a Chinese font from Debian (apt-get install chromium chromium-driver fonts-wqy-zenhei)');
  run('apt-get', ['update', '-qq'], { allowFailure: true });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'chromium', 'chromium-driver', 'fonts-wqy-zenhei'], { env: { DEBIAN_FRONTEND: 'noninteractive' } });
}

const stages = [
  ['lint', 'pnpm', ['exec', 'eslint', '.', '--max-warnings', '0']],
  ['types', 'pnpm', ['exec', 'tsc', '-p', 'tsconfig.json']],
  ['dependency rules', 'node', ['scripts/check-deps.mjs']],
  ['build', 'node', ['scripts/build.mjs']],
  ['unit tests', 'pnpm', ['exec', 'vitest', 'run', '--project', 'unit']],
  ['integration tests', 'pnpm', ['exec', 'vitest', 'run', '--project', 'integration']],
  ['end-to-end tests', 'pnpm', ['exec', 'vitest', 'run', '--project', 'e2e']],
  ['web types', 'pnpm', ['exec', 'tsc', '-p', 'apps/web']],
  ['web unit tests', 'pnpm', ['exec', 'vitest', 'run', '--project', 'web']],
  // Playwright in Debian's Chromium against the stack started as `npm start` does (playwright.config.ts).
  ['browser tests', 'pnpm', ['exec', 'playwright', 'test']],
];

try {
  ensureInstalled();
  ensureChromium();
  const missing = [];
  if (!(await listening(5432))) missing.push('PostgreSQL on 127.0.0.1:5432 (or set TEST_DATABASE_URL)');
  if (!(await listening(6379))) missing.push('Redis on 127.0.0.1:6379');
  if (missing.length > 0 && !process.env.TEST_DATABASE_URL) throw new Error(`Tests need running services: ${missing.join('; ')}. .ci/run starts them on this machine.`);
  const only = process.argv[2];
  for (const [name, command, args] of stages) {
    if (only && !name.startsWith(only)) continue;
    const started = Date.now();
    console.log(`\n▶ ${name}`);
    run(command, args);
    console.log(`✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  console.log('\n✔ all tests passed');
} catch (err) {
  console.error(`\n✖ ${err.message}`);
  process.exit(1);
}
