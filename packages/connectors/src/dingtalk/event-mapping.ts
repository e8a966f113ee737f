import { createHash } from 'node:crypto';

/** The CloudEvent (1.0) a DingTalk event becomes on Qiao's bus. */
export interface DingtalkEventCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

export interface DingtalkEventInput {
  connectionId: string;
  /** The decrypted event body (HTTP push) or the parsed `data` of a Stream EVENT frame. */
  body: Record<string, unknown>;
  /** Stream mode: the frame's headers (eventType, eventId, eventBornTime…), which carry what HTTP push has in the body. */
  headers?: { eventType?: string | undefined; eventId?: string | undefined; eventBornTime?: string | undefined };
  /** The exact decrypted text, hashed for the id when DingTalk gives no event id (a redelivery carries the same text). */
  raw?: string;
}

const EVENT_TYPE = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Maps a DingTalk event to a CloudEvent: type `com.qiao.dingtalk.<EventType>`, source per
 * connection, id = DingTalk's event id when it has one, else a hash of the event text — so a
 * redelivery of the same event is a duplicate (CloudEvents dedupe on source + id).
 * Returns null when the event has no usable type.
 */
export function dingtalkEventToCloudEvent(input: DingtalkEventInput): DingtalkEventCloudEvent | null {
  const eventType = input.headers?.eventType ?? str(input.body['EventType']) ?? str(input.body['eventType']);
  if (!eventType || !EVENT_TYPE.test(eventType)) return null;
  const eventId = input.headers?.eventId ?? str(input.body['EventId']) ?? str(input.body['eventId']);
  const id = eventId ?? `sha256:${createHash('sha256').update(input.raw ?? stableJson(input.body)).digest('hex')}`;
  const subject = str(input.body['processInstanceId']) ?? str(input.body['taskId']);
  const time = msToIso(input.headers?.eventBornTime ?? input.body['eventTime'] ?? input.body['finishTime'] ?? input.body['createTime']);
  return {
    specversion: '1.0',
    id: id.slice(0, 256),
    source: `urn:qiao:dingtalk:${input.connectionId}`,
    type: `com.qiao.dingtalk.${eventType}`,
    ...(subject ? { subject: subject.slice(0, 1024) } : {}),
    ...(time ? { time } : {}),
    datacontenttype: 'application/json',
    data: input.body,
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

function msToIso(value: unknown): string | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d{10,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  const date = new Date(n);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
