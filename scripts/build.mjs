// Bundles each Node app into apps/<app>/dist/main.mjs. Workspace packages (TypeScript sources) are
// bundled in; third-party packages stay external and load from node_modules.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

/** Only the app's own dependencies stay external: those are the ones Node resolves from apps/<app>. */
function externals(app) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'apps', app, 'package.json'), 'utf8'));
  return Object.entries(pkg.dependencies ?? {})
    .filter(([, spec]) => !String(spec).startsWith('workspace:'))
    .flatMap(([name]) => [name, `${name}/*`]);
}

const apps = ['server', 'worker', 'erp-sim', 'wecom-sim', 'dingtalk-sim'];
// Entry points beside main: the server's eager-execution worker thread loads dist/eager-thread.mjs.
const bundles = [
  ...apps.map((app) => ({ app, source: 'main.ts', out: 'main.mjs' })),
  { app: 'server', source: 'eager/thread-main.ts', out: 'eager-thread.mjs' },
];
await Promise.all(
  bundles.map(({ app, source, out }) =>
    build({
      entryPoints: [path.join(root, 'apps', app, 'src', source)],
      outfile: path.join(root, 'apps', app, 'dist', out),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      sourcemap: true,
      external: [...externals(app), 'pg-native'],
      // ESM output still meets CommonJS dependencies that call require().
      banner: { js: "import { createRequire as __qiaoRequire } from 'node:module'; const require = __qiaoRequire(import.meta.url);" },
      logLevel: 'warning',
    }),
  ),
);
console.log(`built ${bundles.map((b) => `apps/${b.app}/dist/${b.out}`).join(', ')}`);

// The web app: Vite bundles apps/web into apps/web/dist, which the server serves (WEB_DIST).
const web = path.join(root, 'apps', 'web');
const vite = spawnSync(process.execPath, [path.join(web, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: web, stdio: 'inherit' });
if (vite.status !== 0) {
  console.error('✖ the web build (vite build in apps/web) failed');
  process.exit(1);
}
console.log('built apps/web/dist');
