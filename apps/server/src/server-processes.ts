import cluster, { type Worker } from 'node:cluster';
import { pino, type Logger } from 'pino';
import { loadEnv } from './env';

/** A process that dies within this long of starting counts as a quick death: the next restart waits longer. */
const HEALTHY_AFTER_MS = 60_000;
const FIRST_RESTART_MS = 500;
const MAX_RESTART_MS = 30_000;
/**
 * After SIGTERM/SIGINT, how long the processes get beyond SHUTDOWN_GRACE_MS (which their eagerly run
 * steps may take) to finish their requests before they are killed.
 */
const STOP_MARGIN_MS = 15_000;

/**
 * Runs the server: in this process when SERVER_PROCESSES is 1 (nothing else changes), otherwise as the
 * primary of a node:cluster whose workers each run `main` and share its ports (the primary accepts the
 * connections and hands them out in turn).
 */
export function runServerProcesses(main: () => Promise<void>): void {
  if (cluster.isWorker) {
    // main resolves once every listener is up; only then does the primary count this process as started.
    main().then(() => process.send?.(READY), fail);
    return;
  }
  const env = loadEnvOrExit();
  if (env.SERVER_PROCESSES <= 1) {
    main().catch(fail);
    return;
  }
  superviseServerProcesses({ count: env.SERVER_PROCESSES, stopGraceMs: env.SHUTDOWN_GRACE_MS + STOP_MARGIN_MS, logger: pino({ level: env.LOG_LEVEL, base: { app: 'server', role: 'primary', pid: process.pid } }) });
}

const READY = 'qiao:server-ready';

function loadEnvOrExit() {
  try {
    return loadEnv();
  } catch (err) {
    return fail(err);
  }
}

function fail(err: unknown): never {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

interface SuperviseOptions {
  count: number;
  stopGraceMs: number;
  logger: Logger;
}

/** One of the `count` places a worker fills; a replacement takes the place of the one that died. */
interface Slot {
  worker: Worker | null;
  startedAt: number;
  /** Has a process in this slot ever finished starting? Until then a death is a failed start, not a crash. */
  everReady: boolean;
  quickDeaths: number;
  restartTimer: NodeJS.Timeout | null;
}

/**
 * The primary: forks `count` workers, replaces one that dies (waiting longer after each quick death,
 * up to 30 s), and on SIGTERM/SIGINT passes the signal on and exits when every worker has. A worker
 * that fails before it ever listened stops everything with exit code 1, as a single process would:
 * a bad setting or an unreachable database is not cured by restarting.
 */
function superviseServerProcesses({ count, stopGraceMs, logger }: SuperviseOptions): void {
  const slots: Slot[] = Array.from({ length: count }, () => ({ worker: null, startedAt: 0, everReady: false, quickDeaths: 0, restartTimer: null }));
  let stopping = false;
  let exitCode = 0;

  const fork = (slot: Slot) => {
    slot.restartTimer = null;
    slot.startedAt = Date.now();
    const worker = cluster.fork();
    slot.worker = worker;
    worker.on('message', (message: unknown) => {
      if (message !== READY) return;
      if (!slot.everReady && slots.every((s) => s === slot || s.everReady)) logger.info({ processes: count }, 'all server processes listening');
      slot.everReady = true;
    });
    worker.on('exit', (code, signal) => onExit(slot, worker, { code, signal }));
  };

  const onExit = (slot: Slot, worker: Worker, how: { code: number | null; signal: string | null }) => {
    if (slot.worker !== worker) return;
    slot.worker = null;
    const pid = worker.process.pid;
    if (stopping) {
      if (how.code !== null && how.code !== 0) exitCode = 1;
      if (slots.every((s) => s.worker === null)) process.exit(exitCode);
      return;
    }
    if (!slot.everReady) {
      logger.fatal({ workerPid: pid, code: how.code, signal: how.signal }, 'a server process failed to start (its error is above); stopping');
      exitCode = 1;
      stop('SIGTERM');
      return;
    }
    const livedMs = Date.now() - slot.startedAt;
    slot.quickDeaths = livedMs < HEALTHY_AFTER_MS ? slot.quickDeaths + 1 : 0;
    const delayMs = Math.min(MAX_RESTART_MS, FIRST_RESTART_MS * 2 ** Math.max(0, slot.quickDeaths - 1));
    logger.error({ workerPid: pid, code: how.code, signal: how.signal, livedMs, restartInMs: delayMs }, `server process died unexpectedly (${how.signal ? `signal ${how.signal}` : `exit code ${String(how.code)}`}); starting another`);
    slot.restartTimer = setTimeout(() => fork(slot), delayMs);
  };

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the server processes');
    for (const slot of slots) {
      if (slot.restartTimer) clearTimeout(slot.restartTimer);
      slot.restartTimer = null;
      slot.worker?.process.kill(signal);
    }
    if (slots.every((s) => s.worker === null)) process.exit(exitCode);
    setTimeout(() => {
      const stuck = slots.flatMap((s) => (s.worker ? [s.worker] : []));
      logger.error({ workerPids: stuck.map((w) => w.process.pid) }, `server processes still running ${stopGraceMs / 1000} s after ${signal}; killing them`);
      exitCode = 1;
      for (const worker of stuck) worker.process.kill('SIGKILL');
    }, stopGraceMs).unref();
  };

  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info({ processes: count }, 'starting server processes');
  for (const slot of slots) fork(slot);
}
