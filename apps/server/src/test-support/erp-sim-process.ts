import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';

export interface ErpSimProcess {
  url: string;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, '../../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The ERP simulator as its own process on a free port and a throw-away database, as the stack runs
 * it: the server may not import the simulator (apps never import apps), only speak to it over HTTP.
 */
export async function startErpSim(baseDatabaseUrl = 'postgres://root@127.0.0.1:5432/postgres'): Promise<ErpSimProcess> {
  const name = `qiao_erpsim_it_${randomBytes(5).toString('hex')}`;
  const url = new URL(baseDatabaseUrl);
  url.pathname = `/${name}`;
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps/erp-sim/src/main.ts')], {
    cwd: root,
    env: { ERP_SIM_DATABASE_URL: url.toString(), ERP_SIM_HOST: '127.0.0.1', ERP_SIM_PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const simUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${simUrl}/__sim/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the ERP simulator did not start: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url: simUrl,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      const admin = new pg.Client({ connectionString: baseDatabaseUrl });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}
