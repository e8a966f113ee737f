import { createHash, randomBytes } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { MqttCredentials } from './auth';
import { connectOnce } from './transport';

interface Pooled {
  client: Promise<MqttClient>;
  idle: NodeJS.Timeout | null;
  inUse: number;
}

/** How long an unused publishing connection stays open for the next step. */
const IDLE_MS = 30_000;
const pool = new Map<string, Pooled>();

/**
 * One clean-session client per distinct credentials, shared by the steps of this process: a burst
 * of publishes reuses one TCP/TLS connection instead of a handshake per step. Closed when idle,
 * dropped from the pool when the broker closes it (the next step connects again).
 */
export async function withPublisher<T>(credentials: MqttCredentials, signal: AbortSignal, use: (client: MqttClient) => Promise<T>): Promise<T> {
  const key = createHash('sha256').update(JSON.stringify(credentials)).digest('hex');
  let entry = pool.get(key);
  if (!entry) {
    const created: Pooled = { client: connectOnce(credentials, { clientId: `${credentials.clientIdPrefix}p${randomBytes(6).toString('hex')}`, clean: true }, signal), idle: null, inUse: 0 };
    pool.set(key, created);
    created.client.then(
      (client) => client.once('close', () => {
        if (pool.get(key) === created) pool.delete(key);
      }),
      () => {
        if (pool.get(key) === created) pool.delete(key);
      },
    );
    entry = created;
  }
  const current = entry;
  current.inUse += 1;
  if (current.idle) clearTimeout(current.idle);
  current.idle = null;
  try {
    return await use(await current.client);
  } catch (err) {
    // A failed publish may leave the session in an unknown state: start the next step afresh.
    if (pool.get(key) === current) pool.delete(key);
    void current.client.then((c) => c.end(true), () => undefined);
    throw err;
  } finally {
    current.inUse -= 1;
    if (current.inUse === 0 && pool.get(key) === current) {
      current.idle = setTimeout(() => {
        if (pool.get(key) !== current || current.inUse > 0) return;
        pool.delete(key);
        void current.client.then((c) => c.endAsync(), () => undefined);
      }, IDLE_MS);
      current.idle.unref();
    }
  }
}

/** Closes every pooled client (tests, shutdown). */
export async function closePublishers(): Promise<void> {
  const entries = [...pool.values()];
  pool.clear();
  await Promise.all(entries.map(async (e) => {
    if (e.idle) clearTimeout(e.idle);
    await e.client.then((c) => c.endAsync(), () => undefined);
  }));
}
