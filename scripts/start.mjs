// `npm start`: install what is missing, build, then start the whole stack with demo data.
import { ensureInstalled, run } from './bootstrap.mjs';

try {
  ensureInstalled();
  console.log('• building');
  run('node', ['scripts/build.mjs']);
  run('node', ['--import', 'tsx', 'scripts/stack/start.ts']);
} catch (err) {
  console.error(`\n✖ ${err.message}`);
  process.exit(1);
}
