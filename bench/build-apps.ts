import { spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * Builds the apps as `npm start` does, so a bench measures the bundles production runs (the stack
 * launcher prefers apps/<app>/dist) and never a stale build of older source.
 */
export function buildApps(): void {
  const root = path.resolve(import.meta.dirname, '..');
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error('building the apps failed (node scripts/build.mjs)');
}
