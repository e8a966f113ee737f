import { createHash } from 'node:crypto';
import { defineConnector } from '../kit/define-connector';
import { ConnectorError } from '../kit/errors/connector-error';
import { publish } from './actions/publish';
import { brokerHost, mqttAuthSchema, parseSubscriptions } from './auth';
import { connectOnce } from './transport';

export const mqtt = defineConnector({
  id: 'mqtt',
  name: { en: 'MQTT', 'zh-CN': 'MQTT' },
  description: {
    en: 'Publishes to an MQTT broker, and triggers flows on messages of the topics the connection subscribes to (events of type com.qiao.mqtt.message, subject = topic).',
    'zh-CN': '向 MQTT 代理发布消息；连接订阅的主题上的消息会触发流程（事件类型 com.qiao.mqtt.message，subject 为主题）。',
  },
  group: 'data',
  auth: mqttAuthSchema,
  publicFields: ['brokerUrl', 'username', 'clientIdPrefix', 'protocolVersion', 'keepaliveSeconds', 'subscriptions', 'tlsRejectUnauthorized', 'connectTimeoutMs'],
  endpointFields: ['brokerUrl'],
  // The CA and certificate are not secret, but they are long and kept like secrets (left empty = unchanged).
  secretFields: ['password', 'tlsKey', 'tlsCert', 'tlsCa'],
  actions: [publish],
  triggers: [],
  async testConnection(ctx) {
    const { credentials } = ctx;
    const host = brokerHost(credentials);
    const started = Date.now();
    // A throw-away clean session: never disturbs the trigger's persistent one.
    const client = await connectOnce(credentials, { clientId: `${credentials.clientIdPrefix}t${createHash('sha256').update(`${ctx.connectionId}:${started}`).digest('hex').slice(0, 10)}`, clean: true }, ctx.signal);
    try {
      const parsed = parseSubscriptions(credentials.subscriptions);
      const filters = parsed.ok ? parsed.subscriptions : [];
      if (filters.length > 0) {
        // Ask for the trigger's subscriptions too, so an ACL that forbids one is reported now rather than later.
        const granted = await client.subscribeAsync(Object.fromEntries(filters.map((s) => [s.filter, { qos: s.qos }])));
        const refused = granted.filter((g) => g.qos >= 128).map((g) => g.topic);
        if (refused.length > 0) {
          throw new ConnectorError({ system: 'mqtt', code: 'subscribe_refused', message: `Connected to ${host}, but the broker refused the subscription to ${refused.join(', ')} (SUBACK 0x80: check its ACL).`, retryable: false, detail: { refused } });
        }
        await client.unsubscribeAsync(filters.map((s) => s.filter));
      }
      return { ok: true, detail: `Connected to ${host} (MQTT ${credentials.protocolVersion}${credentials.username ? ` as ${credentials.username}` : ''})${filters.length > 0 ? `; may subscribe to ${filters.map((s) => s.filter).join(', ')}` : ''}.` };
    } finally {
      await client.endAsync().catch(() => undefined);
    }
  },
});

export { mqttAuthSchema, parseSubscriptions, topicFilterProblem, brokerHost, type MqttCredentials, type MqttSubscription } from './auth';
export { forgetSession, openSubscriber, type MqttInboundMessage, type MqttSubscriber, type SubscriberOptions, type SubscriberState } from './subscriber';
export { closePublishers } from './publisher-pool';
export { mqttError } from './transport';
