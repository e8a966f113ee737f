import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitFor } from '../../scripts/stack/ports';
import { launch, type ManagedProcess } from '../../scripts/stack/processes';
import { benchOrder } from './closed-loop';
import { mapOrder } from './mapping.mjs';

export interface NodeRed {
  url: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

/**
 * Node-RED 4.1.15 from node_modules with the reference flow: http in → function (the same mapOrder
 * source as the bare baseline) → http request to the sink (keep-alive) → http response. The editor
 * and admin API are off, nothing is installed or fetched, and the user directory is temporary.
 */
export async function startNodeRed(options: { root: string; sinkUrl: string; logFile: string }): Promise<NodeRed> {
  const userDir = await mkdtemp(path.join(tmpdir(), 'qiao-bench-node-red-'));
  const port = await freePort();
  const flows = [
    { id: 'bench', type: 'tab', label: 'reference flow' },
    { id: 'in', type: 'http in', z: 'bench', name: 'order', url: '/order', method: 'post', upload: false, wires: [['map']] },
    {
      id: 'map', type: 'function', z: 'bench', name: 'map fields', outputs: 1, noerr: 0,
      func: `${mapOrder.toString()}\nmsg.payload = mapOrder(msg.payload);\nmsg.headers = { 'content-type': 'application/json' };\nreturn msg;`,
      wires: [['post']],
    },
    { id: 'post', type: 'http request', z: 'bench', name: 'POST to sink', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${options.sinkUrl}/documents`, persist: true, wires: [['out']] },
    { id: 'out', type: 'http response', z: 'bench', name: '', statusCode: '200', headers: { 'content-type': 'application/json' }, wires: [] },
  ];
  await writeFile(path.join(userDir, 'flows.json'), JSON.stringify(flows));
  const settings = `module.exports = ${JSON.stringify({
    uiHost: '127.0.0.1',
    uiPort: port,
    httpAdminRoot: false,
    httpNodeRoot: '/',
    flowFile: 'flows.json',
    userDir,
    credentialSecret: false,
    logging: { console: { level: 'warn', metrics: false, audit: false } },
    telemetry: { enabled: false },
    diagnostics: { enabled: false, ui: false },
    externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpdate: false, allowUpload: false }, modules: { allowInstall: false } },
    editorTheme: { projects: { enabled: false } },
  })};\n`;
  const settingsFile = path.join(userDir, 'settings.js');
  await writeFile(settingsFile, settings);
  const child = launch({
    name: 'node-red',
    command: process.execPath,
    args: [path.join(options.root, 'node_modules', 'node-red', 'red.js'), '--settings', settingsFile, '--userDir', userDir],
    cwd: userDir,
    env: { NODE_RED_ENABLE_PROJECTS: 'false' },
    output: options.logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  // The http-in route answers once the flows have started; probe with a real order (its document is not awaited).
  await waitFor(async () => {
    try {
      const res = await fetch(`${url}/order`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(benchOrder('probe-node-red', 1)), signal: AbortSignal.timeout(1000) });
      await res.text();
      return res.ok;
    } catch {
      return false;
    }
  }, 'Node-RED', 60_000);
  return {
    url,
    process: child,
    async stop() {
      await child.stop();
      await rm(userDir, { recursive: true, force: true });
    },
  };
}
