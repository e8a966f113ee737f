import { z } from 'zod';

/**
 * An MQTT broker connection. The same connection publishes (action `mqtt.publish`) and, when it
 * lists subscriptions, feeds the MQTT trigger (one persistent session per connection, run by the
 * worker). Certificates are PEM text so a connection is self-contained (no files on the worker).
 */
export const mqttAuthSchema = z.object({
  brokerUrl: z
    .string()
    .trim()
    .regex(/^mqtts?:\/\/[^\s/?#]+(:\d{1,5})?\/?$/i, 'brokerUrl must be mqtt://host[:port] or mqtts://host[:port]')
    .describe('mqtt://host:1883, or mqtts://host:8883 for TLS'),
  username: z.string().max(256).optional(),
  password: z.string().max(1024).optional(),
  /** Client ids are `<prefix><hash of the connection>`; brokers often require a site prefix in ACLs. */
  clientIdPrefix: z.string().trim().regex(/^[A-Za-z0-9_-]{0,12}$/, 'clientIdPrefix: up to 12 letters, digits, _ or -').default('qiao-'),
  protocolVersion: z.enum(['3.1.1', '5']).default('3.1.1'),
  keepaliveSeconds: z.int().min(5).max(3600).default(60),
  /**
   * Topic filters the trigger subscribes to: one per line or comma-separated, each optionally
   * followed by a space and its QoS (0 or 1, default 1), e.g. `plant/+/meter/+/energy 1`.
   */
  subscriptions: z
    .string()
    .max(4000)
    .default('')
    .refine((text) => parseSubscriptions(text).ok, { error: (issue) => subscriptionProblem(String(issue.input)) })
    .describe('Topic filters for the trigger, one per line: "plant/+/energy 1" (QoS 0 or 1, default 1)')
    .meta({ format: 'multiline' }),
  tlsCa: z.string().max(65_536).optional().describe('PEM CA bundle that signed the broker certificate (mqtts://)').meta({ format: 'multiline' }),
  tlsCert: z.string().max(65_536).optional().describe('PEM client certificate for mutual TLS').meta({ format: 'multiline' }),
  tlsKey: z.string().max(65_536).optional().describe('PEM private key of the client certificate').meta({ format: 'multiline' }),
  /** false accepts any broker certificate: only for a test broker, never in production. */
  tlsRejectUnauthorized: z.boolean().default(true),
  connectTimeoutMs: z.int().min(500).max(120_000).default(10_000),
});

export type MqttCredentials = z.output<typeof mqttAuthSchema>;

export interface MqttSubscription {
  filter: string;
  qos: 0 | 1;
}

type Parsed = { ok: true; subscriptions: MqttSubscription[] } | { ok: false; problem: string };

/** `a/+/b 1, c/# 0` → filters with QoS; a malformed filter is named in the problem. */
export function parseSubscriptions(text: string): Parsed {
  const subscriptions: MqttSubscription[] = [];
  for (const raw of text.split(/[\n,]/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = /^(\S+)(?:\s+([0-9]+))?$/.exec(entry);
    if (!match?.[1]) return { ok: false, problem: `"${entry}": expected a topic filter, optionally followed by its QoS` };
    const [, filter, qosText] = match;
    const qos = qosText === undefined ? 1 : Number(qosText);
    if (qos !== 0 && qos !== 1) return { ok: false, problem: `"${entry}": QoS must be 0 or 1` };
    const bad = topicFilterProblem(filter);
    if (bad) return { ok: false, problem: `"${filter}": ${bad}` };
    if (subscriptions.some((s) => s.filter === filter)) return { ok: false, problem: `"${filter}" is listed twice` };
    subscriptions.push({ filter, qos });
  }
  return { ok: true, subscriptions };
}

function subscriptionProblem(text: string): string {
  const parsed = parseSubscriptions(text);
  return parsed.ok ? 'invalid subscriptions' : `subscriptions: ${parsed.problem}`;
}

/** MQTT 3.1.1 §4.7: `#` only last and alone in its level, `+` alone in its level, no NUL. */
export function topicFilterProblem(filter: string): string | null {
  if (filter.length === 0 || Buffer.byteLength(filter) > 65_535) return 'a topic filter must be 1 to 65535 bytes';
  if (filter.includes('\u0000')) return 'a topic filter must not contain NUL';
  const levels = filter.split('/');
  for (const [i, level] of levels.entries()) {
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return '"#" must be the last level, alone';
    if (level.includes('+') && level !== '+') return '"+" must fill a whole level';
  }
  return null;
}

/** A topic to publish to: no wildcards (MQTT 3.1.1 §4.7.1), no NUL. */
export function topicNameProblem(topic: string): string | null {
  if (topic.length === 0 || Buffer.byteLength(topic) > 65_535) return 'a topic must be 1 to 65535 bytes';
  if (/[+#]/.test(topic) || topic.includes('\u0000')) return 'a topic to publish to must not contain "+", "#" or NUL';
  return null;
}

/** host[:port] of the broker, for event sources and messages (never the credentials). */
export function brokerHost(credentials: Pick<MqttCredentials, 'brokerUrl'>): string {
  return new URL(credentials.brokerUrl).host;
}
