// Applies prisma/migrations to DATABASE_URL (see prisma/README.md). Safe to run from several hosts at once.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
if (!process.env.DATABASE_URL) {
  console.error('Set DATABASE_URL to the PostgreSQL database to migrate.');
  process.exit(1);
}
const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `
  const { migrate } = await import('@qiao/db');
  const result = await migrate({ databaseUrl: process.env.DATABASE_URL });
  console.log(result.applied.length ? 'applied: ' + result.applied.join(', ') : 'database is up to date');
`], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
