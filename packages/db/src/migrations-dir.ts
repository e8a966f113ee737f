// Finds prisma/migrations without trusting the working directory: tests, scripts and servers start from
// different places, and a bundled server may sit far from its source file.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function migrationsDirAbove(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    const isRoot =
      fs.existsSync(path.join(dir, 'pnpm-workspace.yaml')) ||
      fs.existsSync(path.join(candidate, 'migration_lock.toml'));
    if (isRoot && fs.statSync(candidate, { throwIfNoEntry: false })?.isDirectory()) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `<repo root>/prisma/migrations`, searched upwards from this module and then from the working directory. */
export function defaultMigrationsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = migrationsDirAbove(here) ?? migrationsDirAbove(process.cwd());
  if (found === undefined) {
    throw new Error(
      `Cannot find prisma/migrations above ${here} or ${process.cwd()}; pass migrationsDir explicitly.`,
    );
  }
  return found;
}
