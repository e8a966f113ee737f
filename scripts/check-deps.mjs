// Dependency rules, checked in `npm test`:
//  1. no import cycles between files (madge);
//  2. packages depend one way — flow ← engine ← connectors ← runtime ← apps, db beside — and never on an app;
//  3. every @qiao import is declared in the importing package's package.json.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import madge from 'madge';

const root = path.resolve(import.meta.dirname, '..');
const ALLOWED = {
  flow: [],
  engine: ['flow'],
  connectors: ['flow'],
  db: [],
  runtime: ['flow', 'engine', 'connectors', 'db'],
};
const problems = [];

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name === 'generated') continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...files(full));
    else if (/\.tsx?$/.test(name)) out.push(full);
  }
  return out;
}

const SIMULATORS = ['wecom-sim', 'dingtalk-sim'];
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](@qiao\/[a-z-]+)|import\(\s*['"](@qiao\/[a-z-]+)/g;
// The one exception to "no app imports an app": the web app takes the type of the server's tRPC
// router (import type … from '@qiao/server/router'), which erases to nothing in the bundle.
const ROUTER_TYPE_IMPORT = /^import\s+type\s[^'"]*?from\s+['"]@qiao\/server\/router['"]/;
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(path.join(root, group))) {
    const dir = path.join(root, group, name);
    let pkg;
    try {
      pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      continue;
    }
    const declared = new Set(Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }));
    for (const file of files(path.join(dir, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(IMPORT)) {
        const target = m[1] ?? m[2];
        const short = target.replace('@qiao/', '');
        const rel = path.relative(root, file);
        const typeOnlyRouter = group === 'apps' && name === 'web' && ROUTER_TYPE_IMPORT.test(m[0] + text.slice(m.index + m[0].length, m.index + m[0].length + 9));
        if (['server', 'worker', 'erp-sim', 'web'].includes(short) && !typeOnlyRouter) problems.push(`${rel}: imports the app ${target}`);
        if (group === 'packages' && ALLOWED[name] && !ALLOWED[name].includes(short)) problems.push(`${rel}: @qiao/${name} may not depend on ${target}`);
        if (name === 'erp-sim') problems.push(`${rel}: the ERP simulator must not import ${target}`);
        // Protocol simulators stand alone, and only tests may start one in-process.
        if (SIMULATORS.includes(name)) problems.push(`${rel}: the simulator ${name} must not import ${target}`);
        if (SIMULATORS.includes(short) && !/\.test\.tsx?$/.test(file) && !file.includes(`${path.sep}test-support${path.sep}`)) problems.push(`${rel}: only tests may import the simulator ${target}`);
        if (!declared.has(target)) problems.push(`${rel}: ${target} is not declared in ${group}/${name}/package.json`);
      }
    }
  }
}

const dirs = ['packages', 'apps'].flatMap((g) => readdirSync(path.join(root, g)).map((n) => path.join(root, g, n, 'src'))).filter((d) => {
  try {
    return statSync(d).isDirectory();
  } catch {
    return false;
  }
});
const graph = await madge(dirs, { fileExtensions: ['ts', 'tsx'], excludeRegExp: [/generated/, /node_modules/], tsConfig: path.join(root, 'tsconfig.json') });
for (const cycle of graph.circular()) problems.push(`import cycle: ${cycle.join(' → ')}`);

if (problems.length > 0) {
  console.error(`✖ dependency check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(`✔ dependency check: ${dirs.length} source trees, no cycles, one-way package dependencies`);
