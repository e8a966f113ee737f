import { createHash } from 'node:crypto';
import { appAuthSchema, type AppCredentials, type Logger as ConnectorLogger } from '@qiao/connectors';
import { DingtalkStreamClient, type StreamAccept } from '@qiao/connectors/dingtalk-stream';
import type { PrismaClient } from '@qiao/db';
import { acceptEvent, cloudEventSchema, type Logger, type SecretBox, type StepQueue } from '@qiao/runtime';

export interface StreamClient {
  connect(): Promise<void>;
  disconnect(): void;
}

export type StreamClientFactory = (args: { connectionId: string; credentials: AppCredentials; accept: StreamAccept; logger: ConnectorLogger }) => StreamClient;

export interface StreamSubscriberOptions {
  prisma: PrismaClient;
  box: SecretBox;
  queue: StepQueue;
  logger: Logger;
  /** How often connections are re-read, so a new or edited stream-mode connection is picked up. */
  refreshMs?: number;
  /** Injected by tests; by default the official SDK's client (with ack after commit). */
  createClient?: StreamClientFactory;
}

export interface StreamSubscribers {
  /** Connection ids with a running subscriber. */
  active(): string[];
  refresh(): Promise<void>;
  close(): void;
}

const defaultFactory: StreamClientFactory = ({ connectionId, credentials, accept, logger }) =>
  new DingtalkStreamClient({ clientId: credentials.appKey, clientSecret: credentials.appSecret, connectionId, accept, logger });

/**
 * One DingTalk Stream-mode subscriber per app connection with `mode: stream`. Each event is
 * committed with acceptEvent (deduplicated on source + id, like HTTP push) before it is acknowledged.
 */
export async function startStreamSubscribers(options: StreamSubscriberOptions): Promise<StreamSubscribers> {
  const running = new Map<string, { fingerprint: string; client: StreamClient }>();
  const createClient = options.createClient ?? defaultFactory;
  const logger = connectorLogger(options.logger);

  const accept = (connectionId: string): StreamAccept => async (mapped) => {
    const parsed = cloudEventSchema.safeParse(mapped);
    if (!parsed.success) {
      // It will never be storable (e.g. text holding NUL): failing here would answer LATER and DingTalk would redeliver it forever.
      options.logger.error({ connectionId, type: mapped.type, eventId: mapped.id, issues: parsed.error.issues.slice(0, 3) }, 'dingtalk stream: event cannot be stored; acknowledged and dropped');
      return;
    }
    const event = parsed.data;
    const result = await acceptEvent({ prisma: options.prisma, queue: options.queue, logger: options.logger }, { event });
    options.logger.info({ connectionId, type: event.type, eventId: event.id, duplicate: result.duplicate }, 'dingtalk stream event accepted');
  };

  async function refresh(): Promise<void> {
    const rows = await options.prisma.connection.findMany({ where: { connectorId: 'dingtalk' }, select: { id: true, secret: true } });
    const wanted = new Map<string, { fingerprint: string; credentials: AppCredentials }>();
    for (const row of rows) {
      let parsed;
      try {
        parsed = appAuthSchema.safeParse(options.box.openJson(row.secret));
      } catch {
        continue;
      }
      if (!parsed.success || parsed.data.mode !== 'stream') continue;
      const fingerprint = createHash('sha256').update(`${parsed.data.appKey}\n${parsed.data.appSecret}`).digest('hex');
      wanted.set(row.id, { fingerprint, credentials: parsed.data });
    }
    for (const [id, entry] of running) {
      if (wanted.get(id)?.fingerprint !== entry.fingerprint) {
        entry.client.disconnect();
        running.delete(id);
      }
    }
    for (const [id, entry] of wanted) {
      if (running.has(id)) continue;
      const client = createClient({ connectionId: id, credentials: entry.credentials, accept: accept(id), logger });
      running.set(id, { fingerprint: entry.fingerprint, client });
      // The SDK reconnects on its own (every second) once connected; a failed first connect is retried on the next refresh.
      client.connect().catch((err: unknown) => options.logger.warn({ connectionId: id, err: String(err) }, 'dingtalk stream: connect failed'));
      options.logger.info({ connectionId: id }, 'dingtalk stream subscriber started');
    }
  }

  await refresh();
  const timer = setInterval(() => {
    refresh().catch((err: unknown) => options.logger.warn({ err: String(err) }, 'dingtalk stream: refreshing connections failed'));
  }, options.refreshMs ?? 60_000);
  timer.unref();
  return {
    active: () => [...running.keys()],
    refresh,
    close() {
      clearInterval(timer);
      for (const entry of running.values()) entry.client.disconnect();
      running.clear();
    },
  };
}

function connectorLogger(logger: Logger): ConnectorLogger {
  return {
    debug: (msg, data) => logger.debug(data ?? {}, msg),
    info: (msg, data) => logger.info(data ?? {}, msg),
    warn: (msg, data) => logger.warn(data ?? {}, msg),
    error: (msg, data) => logger.error(data ?? {}, msg),
  };
}
