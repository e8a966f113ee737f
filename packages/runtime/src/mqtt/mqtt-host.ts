import { createHash, randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { brokerHost, forgetSession, mqtt, openSubscriber, parseSubscriptions, type Logger as ConnectorLogger, type MqttCredentials, type MqttInboundMessage, type MqttSubscriber } from '@qiao/connectors';
import type { PrismaClient } from '@qiao/db';
import { acceptEvent } from '../accept-event';
import { markConnectionUsed, recordConnectionError } from '../connection-usage';
import type { CloudEvent } from '../events/cloud-event';
import type { Logger } from '../logger';
import type { StepQueue } from '../queue';
import type { SecretBox } from '../secret-box';
import { LeaderLock } from './leader-lock';
import { mqttCloudEvent, mqttSource } from './mqtt-event';

export interface MqttHostOptions {
  prisma: PrismaClient;
  /** For the per-connection leader locks. */
  redis: Redis;
  /** Redis key prefix (the queue prefix). */
  prefix: string;
  box: SecretBox;
  queue: StepQueue;
  logger: Logger;
  /** How often connections are re-read (create/edit/delete take effect) and locks renewed; default 3 s. */
  pollIntervalMs?: number;
  /** A crashed subscriber's connection is taken over after this long; default 15 s (≥ 3 × poll interval). */
  lockTtlMs?: number;
  /** Reconnect backoff of each subscriber; default 1 s doubling to 30 s. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Commits one event; default acceptEvent. Tests wrap it to make the database fail. */
  accept?: (event: CloudEvent) => Promise<unknown>;
}

export interface MqttHost {
  /** Re-reads the connections and locks now (also runs on a timer). */
  refresh(): Promise<void>;
  /** Connection ids this process subscribes for right now. */
  subscribed(): string[];
  /** Graceful stop: finishes messages in hand, releases the locks (another worker takes over at once). */
  close(): Promise<void>;
  /** As a crash: drops sockets without acknowledging, keeps the locks until they expire. For tests. */
  abandon(): void;
}

interface Running {
  subscriber: MqttSubscriber;
  credentials: MqttCredentials;
  clientId: string;
  version: string;
  filters: string[];
  lastHeldAt: number;
}

/** In-place retries of a failed commit before the message is handed back to the broker. */
const COMMIT_TRIES = 3;

/**
 * Runs the MQTT trigger in a worker: for every MQTT connection with subscriptions, exactly one
 * worker (the holder of a Redis lock with a TTL, renewed on every poll) keeps a persistent-session
 * subscriber. Each message is committed as an event (acceptEvent) before its PUBACK, so a crash or
 * an unavailable database leaves it with the broker, which delivers it again.
 */
export function startMqttHost(options: MqttHostOptions): MqttHost {
  const { prisma, logger } = options;
  const pollMs = options.pollIntervalMs ?? 3000;
  const ttlMs = options.lockTtlMs ?? Math.max(15_000, pollMs * 3);
  const lock = new LeaderLock(options.redis, `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`, ttlMs);
  const accept = options.accept ?? ((event: CloudEvent) => acceptEvent({ prisma, queue: options.queue, logger }, { event }));
  const running = new Map<string, Running>();
  const lastTriggerError = new Map<string, { code: string; at: number }>();
  let stopped = false;
  let ticking: Promise<void> | null = null;

  const lockKey = (connectionId: string) => `${options.prefix}:mqtt-leader:${connectionId}`;

  const noteTriggerError = (connectionId: string, code: string, message: string) => {
    const last = lastTriggerError.get(connectionId);
    // A broker that stays down would write one row per reconnect: record a change, or once every 5 minutes.
    if (last && last.code === code && Date.now() - last.at < 5 * 60_000) return;
    lastTriggerError.set(connectionId, { code, at: Date.now() });
    recordConnectionError(prisma, { connectionId, source: 'trigger', code, message }).catch((err: unknown) => logger.warn({ connectionId, err: String(err) }, 'could not record the trigger error'));
  };

  /** close: lost the lock or edited; release: shutting down; forget: the connection was deleted. */
  const stop = async (connectionId: string, how: 'close' | 'release' | 'forget') => {
    const entry = running.get(connectionId);
    if (!entry) return;
    running.delete(connectionId);
    await Promise.race([entry.subscriber.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]).catch(() => undefined);
    entry.subscriber.abandon();
    if (how === 'forget') {
      await forgetSession(entry.credentials, entry.clientId).catch((err: unknown) => logger.warn({ connectionId, err: String(err) }, 'could not end the MQTT session of a deleted connection'));
    }
    if (how !== 'close') await lock.release(lockKey(connectionId)).catch(() => undefined);
    logger.info({ connectionId }, 'mqtt trigger stopped');
  };

  const start = (connectionId: string, credentials: MqttCredentials, version: string, previousFilters: string[]) => {
    const source = mqttSource(brokerHost(credentials), connectionId);
    const clientId = mqttClientId(credentials.clientIdPrefix, connectionId);
    const parsed = parseSubscriptions(credentials.subscriptions);
    const filters = parsed.ok ? parsed.subscriptions.map((s) => s.filter) : [];
    const onMessage = async (message: MqttInboundMessage) => {
      const event = mqttCloudEvent(message, { source });
      for (let tryNo = 1; ; tryNo += 1) {
        try {
          await accept(event);
          break;
        } catch (err) {
          if (tryNo >= COMMIT_TRIES || stopped) throw err;
          logger.warn({ connectionId, topic: message.topic, err: String(err) }, 'mqtt message not committed yet; trying again');
          await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** tryNo));
        }
      }
      markConnectionUsed(prisma, connectionId).catch(() => undefined);
    };
    const subscriber = openSubscriber({
      credentials,
      clientId,
      unsubscribe: previousFilters,
      onMessage,
      onState: (state) => {
        if (state.state === 'connected') logger.info({ connectionId, sessionPresent: state.sessionPresent }, 'mqtt trigger connected');
        else if (state.error) noteTriggerError(connectionId, state.error.code, state.error.message);
      },
      logger: connectorLogger(logger, connectionId),
      ...(options.minBackoffMs === undefined ? {} : { minBackoffMs: options.minBackoffMs }),
      ...(options.maxBackoffMs === undefined ? {} : { maxBackoffMs: options.maxBackoffMs }),
    });
    running.set(connectionId, { subscriber, credentials, clientId, version, filters, lastHeldAt: Date.now() });
    logger.info({ connectionId, filters }, 'mqtt trigger started');
  };

  const tick = async () => {
    const rows = await prisma.connection.findMany({ where: { connectorId: mqtt.id }, select: { id: true, secret: true, updatedAt: true } });
    const seen = new Set<string>();
    for (const row of rows) {
      if (stopped) return;
      const parsed = readCredentials(options.box, row.secret);
      const subscriptions = parsed.ok ? parseSubscriptions(parsed.credentials.subscriptions) : null;
      if (!parsed.ok || !subscriptions?.ok || subscriptions.subscriptions.length === 0) {
        if (!parsed.ok) noteTriggerError(row.id, 'invalid_credentials', parsed.problem);
        continue;
      }
      seen.add(row.id);
      const key = lockKey(row.id);
      const entry = running.get(row.id);
      let held: boolean;
      try {
        held = await lock.hold(key);
      } catch (err) {
        // Redis unreachable: keep subscribing while the lock we last renewed is surely still ours.
        logger.warn({ connectionId: row.id, err: String(err) }, 'mqtt leader lock not renewed');
        if (entry && Date.now() - entry.lastHeldAt > ttlMs) await stop(row.id, 'close');
        continue;
      }
      if (!held) {
        if (entry) await stop(row.id, 'close');
        continue;
      }
      const version = `${row.updatedAt.getTime()}:${createHash('sha256').update(row.secret).digest('hex')}`;
      if (entry) {
        entry.lastHeldAt = Date.now();
        if (entry.version === version) continue;
        // Edited: reconnect with the new settings, dropping filters no longer listed from the session.
        await stop(row.id, 'close');
      }
      if (!stopped) start(row.id, parsed.credentials, version, entry?.filters ?? []);
    }
    // Deleted, or no subscriptions any more: end the broker session too, or it would queue messages for ever.
    for (const id of [...running.keys()]) if (!seen.has(id)) await stop(id, 'forget');
  };

  const refresh = () => {
    ticking ??= tick()
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'mqtt trigger refresh failed; will try again'))
      .finally(() => (ticking = null));
    return ticking;
  };
  const timer = setInterval(() => void refresh(), pollMs);
  timer.unref();
  void refresh();

  return {
    refresh,
    subscribed: () => [...running.keys()],
    async close() {
      stopped = true;
      clearInterval(timer);
      await ticking;
      await Promise.all([...running.keys()].map((id) => stop(id, 'release')));
    },
    abandon() {
      stopped = true;
      clearInterval(timer);
      for (const entry of running.values()) entry.subscriber.abandon();
      running.clear();
    },
  };
}

/** Stable per connection (all workers use the same, so the broker itself allows one session at a time); ≤ 23 characters for MQTT 3.1.1 brokers. */
export function mqttClientId(prefix: string, connectionId: string): string {
  return `${prefix}${createHash('sha256').update(connectionId).digest('hex').slice(0, 16)}`;
}

type ReadResult = { ok: true; credentials: MqttCredentials } | { ok: false; problem: string };

function readCredentials(box: SecretBox, secret: string): ReadResult {
  try {
    const parsed = mqtt.auth.safeParse(box.openJson(secret));
    if (parsed.success) return { ok: true, credentials: parsed.data as MqttCredentials };
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `The MQTT connection settings are invalid: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'unknown problem'}` };
  } catch (err) {
    return { ok: false, problem: `The stored credentials cannot be decrypted (${err instanceof Error ? err.message : String(err)}).` };
  }
}

/** The connector kit logs (message, data); the runtime's logger takes (data, message). */
function connectorLogger(logger: Logger, connectionId: string): ConnectorLogger {
  return {
    debug: (msg, data) => logger.debug({ connectionId, ...data }, msg),
    info: (msg, data) => logger.info({ connectionId, ...data }, msg),
    warn: (msg, data) => logger.warn({ connectionId, ...data }, msg),
    error: (msg, data) => logger.error({ connectionId, ...data }, msg),
  };
}
