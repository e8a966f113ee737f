import type { MqttClient } from 'mqtt';
import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import type { ActionContext } from '../../kit/context';
import { ConnectorError } from '../../kit/errors/connector-error';
import { UserError } from '../../kit/errors/user-error';
import { brokerHost, topicNameProblem, type MqttCredentials } from '../auth';
import { withPublisher } from '../publisher-pool';
import { mqttError } from '../transport';

export const publish = defineAction({
  id: 'publish',
  name: { en: 'MQTT publish', 'zh-CN': 'MQTT 发布' },
  description: {
    en: 'Publishes a message to a topic. With QoS 1 or 2 the step succeeds only after the broker acknowledged it (at least once: a retried step can publish twice, so receivers should deduplicate; MQTT 5 messages carry the step’s idempotency key as the user property qiao-idempotency-key).',
    'zh-CN': '向主题发布消息。QoS 1 或 2 时，步骤在代理确认后才算成功（至少一次：重试的步骤可能发布两次，接收方应去重；MQTT 5 消息带有用户属性 qiao-idempotency-key）。',
  },
  input: z.object({
    topic: z.string().min(1).max(1024),
    /** A string is sent as text; anything else as JSON (or always JSON with `format: "json"`). */
    payload: z.json(),
    format: z.enum(['auto', 'json']).default('auto'),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
    retain: z.boolean().default(false),
    timeoutMs: z.int().min(100).max(120_000).default(15_000),
  }),
  output: z.object({
    topic: z.string(),
    qos: z.int(),
    retain: z.boolean(),
    bytes: z.int(),
    /** The packet id the broker acknowledged (QoS 1/2). */
    messageId: z.int().optional(),
  }),
  async run(ctx: ActionContext<MqttCredentials>, input) {
    const problem = topicNameProblem(input.topic);
    if (problem) throw new UserError({ code: 'invalid_topic', path: ['params', 'topic'], message: { en: `topic: ${problem}`, 'zh-CN': `topic：${problem}` } });
    const body = typeof input.payload === 'string' && input.format === 'auto' ? input.payload : JSON.stringify(input.payload);
    const payload = Buffer.from(body, 'utf8');
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(input.timeoutMs)]);
    const messageId = await withPublisher(ctx.credentials, signal, (client) =>
      publishAcknowledged(client, { topic: input.topic, payload, qos: input.qos, retain: input.retain, idempotencyKey: ctx.idempotencyKey, credentials: ctx.credentials, signal }),
    );
    ctx.logger.debug('mqtt published', { topic: input.topic, qos: input.qos, bytes: payload.length });
    return { topic: input.topic, qos: input.qos, retain: input.retain, bytes: payload.length, ...(messageId === undefined ? {} : { messageId }) };
  },
});

interface PublishArgs {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  idempotencyKey: string;
  credentials: MqttCredentials;
  signal: AbortSignal;
}

/** Resolves when the broker acknowledged (PUBACK for QoS 1, PUBCOMP for QoS 2; written for QoS 0). */
function publishAcknowledged(client: MqttClient, args: PublishArgs): Promise<number | undefined> {
  const options = {
    qos: args.qos,
    retain: args.retain,
    ...(args.credentials.protocolVersion === '5' ? { properties: { userProperties: { 'qiao-idempotency-key': args.idempotencyKey } } } : {}),
  };
  return new Promise((resolve, reject) => {
    const host = brokerHost(args.credentials);
    const onAbort = () => reject(new ConnectorError({ system: 'mqtt', code: 'timeout', message: `The broker ${host} did not acknowledge the message on ${args.topic} in time (QoS ${args.qos}).`, retryable: true }));
    if (args.signal.aborted) return onAbort();
    args.signal.addEventListener('abort', onAbort, { once: true });
    client.publish(args.topic, args.payload, options, (err, packet) => {
      args.signal.removeEventListener('abort', onAbort);
      if (err) reject(mqttError(err, args.credentials));
      else resolve(args.qos > 0 ? packet?.messageId : undefined);
    });
  });
}
