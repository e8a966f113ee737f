// Plain Node, no dependencies: runs on a fresh clone before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
const PNPM_VERSION = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...options.env } });
  if (result.error) throw new Error(`${command} could not be started: ${result.error.message}`);
  if (result.status !== 0 && !options.allowFailure) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
  return result.status ?? 1;
}

function pnpmVersion() {
  const r = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Installs the pinned pnpm if missing, then dependencies if the lock file changed since the last install. */
export function ensureInstalled() {
  const major = process.versions.node.split('.').map(Number);
  if (major[0] < 20 || (major[0] === 20 && major[1] < 19)) {
    throw new Error(`Qiao needs Node.js 20.19 or newer; this is ${process.versions.node}.`);
  }
  if (pnpmVersion() !== PNPM_VERSION) {
    console.log(`• installing pnpm ${PNPM_VERSION}`);
    run('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`, '--no-fund', '--no-audit']);
  }
  const marker = path.join(root, 'node_modules', '.modules.yaml');
  const lock = path.join(root, 'pnpm-lock.yaml');
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
    console.log('• installing dependencies (pnpm install --frozen-lockfile)');
    run('pnpm', ['install', '--frozen-lockfile'], { env: { CI: '1' } });
  }
  if (!existsSync(path.join(root, 'packages', 'db', 'src', 'generated', 'client.ts'))) {
    console.log('• generating the Prisma client (offline)');
    run('pnpm', ['--filter', '@qiao/db', 'run', 'generate']);
  }
}
