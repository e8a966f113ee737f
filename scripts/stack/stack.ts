import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createPrisma, migrate, withDatabase } from '@qiao/db';
import { createSecretBox, parseSecretKey } from '@qiao/runtime';
import { seedDemo, type DemoUser } from '../../apps/server/src/seed/seed-demo';
import { seedWecomDemo } from '../../apps/server/src/seed/seed-wecom';
import { DINGTALK_SIM_DEMO, seedDingtalkDemo } from '../../apps/server/src/seed/seed-dingtalk';
import type { OutboundNotifications } from '../../apps/server/src/seed/demo-flow';
import { launch, type ManagedProcess } from './processes';
import { startEmbeddedPostgres } from './postgres';
import { ensureRedis } from './redis';
import { ensureMqtt } from './mqtt';
import { devSecretKey } from './secret-key';
import { waitFor } from './ports';

export interface StackOptions {
  root: string;
  dataDir: string;
  host: string;
  port: number;
  erpSimPort: number;
  /** Starts the WeCom simulator on this port (with a demo WeCom connection and flow); not started when absent. With both simulators the demo flow announces each audited outbound in DingTalk and WeCom. */
  wecomSimPort?: number;
  /** Starts apps/dingtalk-sim (DingTalk robots, work notifications, callbacks) on this port when given, with a demo robot connection. */
  dingtalkSimPort?: number;
  databaseUrl?: string;
  redisUrl?: string;
  /** An MQTT broker to use; without it an aedes broker is embedded on embeddedMqttPort (or any free port when taken). */
  mqttUrl?: string;
  embeddedMqttPort?: number;
  embeddedPgPort: number;
  ownRedisPort: number;
  queuePrefix: string;
  workers: number;
  /** 'inherit' for the terminal, or a directory that receives one log file per process. */
  output: 'inherit' | string;
  secretKey?: string;
  production: boolean;
  /** Per-call ERP timeout of the demo connection (default 15 s). */
  erpTimeoutMs?: number;
  /** Extra environment for server and workers (tests shorten the sweeper interval, for instance). */
  extraEnv?: Record<string, string>;
}

export interface Stack {
  serverUrl: string;
  erpSimUrl: string;
  /** Present when the WeCom simulator was started. */
  wecomSimUrl?: string;
  /** Set when dingtalkSimPort was given; a demo robot and app are configured (see DINGTALK_SIM_DEMO). */
  dingtalkSimUrl?: string;
  databaseUrl: string;
  erpSimDatabaseUrl: string;
  redisUrl: string;
  mqttUrl: string;
  /** True when the broker is aedes inside this process (in-memory sessions). */
  mqttEmbedded: boolean;
  apiKey: string;
  users: DemoUser[];
  flowId: string;
  workers: (ManagedProcess | null)[];
  server: ManagedProcess;
  erpSim: ManagedProcess;
  startWorker(index: number): Promise<void>;
  /** Starts a new server process (after the caller stopped or killed the current one) and waits until it answers. */
  restartServer(): Promise<ManagedProcess>;
  stop(): Promise<void>;
}

function entry(root: string, app: string): string[] {
  const dist = path.join(root, 'apps', app, 'dist', 'main.mjs');
  return existsSync(dist) ? ['--enable-source-maps', dist] : ['--import', 'tsx', path.join(root, 'apps', app, 'src', 'main.ts')];
}

export async function startStack(options: StackOptions): Promise<Stack> {
  mkdirSync(options.dataDir, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.error(String(err)));
    cleanups.length = 0;
  };
  try {
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      const pg = await startEmbeddedPostgres(options.dataDir, options.embeddedPgPort);
      cleanups.push(pg.stop);
      databaseUrl = pg.url;
    }
    let redisUrl = options.redisUrl;
    if (!redisUrl) {
      const redis = await ensureRedis(options.dataDir, options.ownRedisPort);
      cleanups.push(redis.stop);
      redisUrl = redis.url;
    }
    const mqtt = await ensureMqtt({ ...(options.mqttUrl ? { url: options.mqttUrl } : {}), host: options.host, port: options.embeddedMqttPort ?? 1883 });
    cleanups.push(mqtt.stop);
    await migrate({ databaseUrl });
    if (options.production && !options.secretKey) {
      throw new Error('NODE_ENV=production needs QIAO_SECRET_KEY (32 bytes as 64 hex characters or base64); a generated development key is not used in production.');
    }
    const secretKey = options.secretKey ?? devSecretKey(options.dataDir);
    const erpSimDatabaseUrl = withDatabase(databaseUrl, `${databaseNameOf(databaseUrl)}_erpsim`);
    const log = (name: string) => (options.output === 'inherit' ? 'inherit' : path.join(options.output, `${name}.log`));
    if (options.output !== 'inherit') mkdirSync(options.output, { recursive: true });

    const erpSimUrl = `http://${options.host}:${options.erpSimPort}`;
    const erpSim = launch({
      name: 'erp-sim', command: process.execPath, args: entry(options.root, 'erp-sim'), cwd: options.root, output: log('erp-sim'),
      env: { ERP_SIM_DATABASE_URL: erpSimDatabaseUrl, ERP_SIM_HOST: options.host, ERP_SIM_PORT: String(options.erpSimPort) },
    });
    cleanups.push(() => erpSim.stop());
    await waitFor(() => httpOk(`${erpSimUrl}/__sim/health`), 'the ERP simulator', 60_000);

    let wecomSimUrl: string | undefined;
    if (options.wecomSimPort !== undefined) {
      wecomSimUrl = `http://${options.host}:${options.wecomSimPort}`;
      const wecomSim = launch({
        name: 'wecom-sim', command: process.execPath, args: entry(options.root, 'wecom-sim'), cwd: options.root, output: log('wecom-sim'),
        env: { WECOM_SIM_HOST: options.host, WECOM_SIM_PORT: String(options.wecomSimPort) },
      });
      cleanups.push(() => wecomSim.stop());
      await waitFor(() => httpOk(`${wecomSimUrl}/__sim/health`), 'the WeCom simulator', 60_000);
    }

    let dingtalkSimUrl: string | undefined;
    if (options.dingtalkSimPort !== undefined) {
      dingtalkSimUrl = `http://${options.host}:${options.dingtalkSimPort}`;
      const dingtalkSim = launch({
        name: 'dingtalk-sim', command: process.execPath, args: entry(options.root, 'dingtalk-sim'), cwd: options.root, output: log('dingtalk-sim'),
        env: { DINGTALK_SIM_HOST: options.host, DINGTALK_SIM_PORT: String(options.dingtalkSimPort), DINGTALK_SIM_ROBOTS: JSON.stringify([DINGTALK_SIM_DEMO.robot]), DINGTALK_SIM_APPS: JSON.stringify([DINGTALK_SIM_DEMO.app]) },
      });
      cleanups.push(() => dingtalkSim.stop());
      await waitFor(() => httpOk(`${dingtalkSimUrl}/__sim/health`), 'the DingTalk simulator', 60_000);
    }

    // Demo users, key and flow only outside production; production starts empty (first admin from QIAO_ADMIN_PASSWORD).
    let seeded: { apiKey: string; users: DemoUser[]; flowId: string } = { apiKey: '', users: [], flowId: '' };
    if (!options.production) {
      const prisma = createPrisma(databaseUrl, { max: 2 });
      const box = createSecretBox(parseSecretKey(secretKey));
      try {
        // The chat connections first: the demo flow announces the audited outbound through them.
        const notify: OutboundNotifications = {};
        if (dingtalkSimUrl) notify.dingtalkRobotConnectionId = (await seedDingtalkDemo(prisma, box, dingtalkSimUrl)).connectionId;
        if (wecomSimUrl) {
          const wecom = await seedWecomDemo(prisma, box, wecomSimUrl);
          notify.wecomConnectionId = wecom.connectionId;
          // The simulator delivers its callbacks (approvals…) to the demo connection's callback URL.
          const serverHost = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
          const target = { url: `http://${serverHost}:${options.port}${wecom.callbackPath}`, token: wecom.callbackToken, encodingAesKey: wecom.encodingAesKey };
          const answer = await fetch(`${wecomSimUrl}/__sim/callback`, { method: 'PUT', body: JSON.stringify(target), signal: AbortSignal.timeout(5000) });
          if (!answer.ok) throw new Error(`The WeCom simulator refused its callback target: HTTP ${answer.status}`);
        }
        seeded = await seedDemo({ prisma, box, erpSimUrl, dataDir: options.dataDir, production: false, mqttUrl: mqtt.url, notify, ...(options.erpTimeoutMs ? { erpTimeoutMs: options.erpTimeoutMs } : {}) });
      } finally {
        await prisma.$disconnect();
      }
    }

    const appEnv = {
      NODE_ENV: options.production ? 'production' : 'development',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: options.queuePrefix,
      QIAO_SECRET_KEY: secretKey,
      // The bundled simulator's wall clock is its PostgreSQL's (UTC here); reconciliation's date filters must match it.
      ERP_TIME_ZONE: 'UTC',
      ...options.extraEnv,
    };
    const workers: (ManagedProcess | null)[] = [];
    const startWorker = async (index: number) => {
      const worker = launch({ name: `worker-${index + 1}`, command: process.execPath, args: entry(options.root, 'worker'), cwd: options.root, output: log(`worker-${index + 1}`), env: appEnv });
      workers[index] = worker;
    };
    for (let i = 0; i < options.workers; i += 1) await startWorker(i);
    cleanups.push(async () => {
      await Promise.all(workers.map((w) => w?.stop()));
    });
    const serverUrl = `http://${options.host}:${options.port}`;
    let current: ManagedProcess | null = null;
    const launchServer = async () => {
      const started = launch({
        name: 'server', command: process.execPath, args: entry(options.root, 'server'), cwd: options.root, output: log('server'),
        env: { ...appEnv, HOST: options.host, PORT: String(options.port), WEB_DIST: path.join(options.root, 'apps', 'web', 'dist') },
      });
      current = started;
      await waitFor(() => httpOk(`${serverUrl}/healthz`), 'the Qiao server', 60_000);
      return started;
    };
    cleanups.push(async () => current?.stop());
    const server = await launchServer();

    return {
      serverUrl, erpSimUrl, ...(wecomSimUrl ? { wecomSimUrl } : {}), ...(dingtalkSimUrl ? { dingtalkSimUrl } : {}), databaseUrl, erpSimDatabaseUrl, redisUrl, mqttUrl: mqtt.url, mqttEmbedded: mqtt.embedded,
      apiKey: seeded.apiKey, users: seeded.users, flowId: seeded.flowId, workers, server, erpSim, startWorker, restartServer: launchServer, stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}


function databaseNameOf(url: string): string {
  return new URL(url).pathname.replace(/^\//, '') || 'qiao';
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}
