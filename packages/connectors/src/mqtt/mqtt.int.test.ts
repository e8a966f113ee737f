import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes } from 'aedes';
import { connectAsync, type IPublishPacket } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionContext } from '../kit/context';
import { runAction } from '../kit/run-action';
import { createTestContext } from '../kit/testing';
import { closePublishers } from './publisher-pool';
import { publish } from './actions/publish';
import { mqtt } from './index';
import { mqttAuthSchema } from './auth';
import { openSubscriber, type SubscriberState } from './subscriber';

// Against the Mosquitto of the machine (127.0.0.1:1883); every test uses its own topic prefix and client ids.
const BROKER = 'mqtt://127.0.0.1:1883';
const run = randomBytes(4).toString('hex');
const credentials = (extra: Record<string, unknown> = {}) => mqttAuthSchema.parse({ brokerUrl: BROKER, clientIdPrefix: `t${run}`, ...extra });
const test = (creds: ReturnType<typeof credentials>) => {
  if (!mqtt.testConnection) throw new Error('the mqtt connector has no connection test');
  return mqtt.testConnection(createConnectionContext({ credentials: creds, connectionId: `c-${run}` }));
};

let aedes: Aedes;
let acceptLater = false;
let aedesServer: Server;
let aedesPort = 0;
let tlsDir = '';
let tlsBroker: Aedes;
let tlsServer: Server;
let tlsPort = 0;

beforeAll(async () => {
  // A broker that checks passwords (Mosquitto here allows anonymous clients).
  aedes = await Aedes.createBroker();
  aedes.authenticate = (_client, username, password, done) => {
    if (username === 'meter' && (password?.toString() === 'right' || (password?.toString() === 'later' && acceptLater))) return done(null, true);
    const error = Object.assign(new Error('bad user name or password'), { returnCode: 4 as const });
    done(error, false);
  };
  aedesServer = createServer(aedes.handle);
  await new Promise<void>((resolve) => aedesServer.listen(0, '127.0.0.1', resolve));
  aedesPort = (aedesServer.address() as AddressInfo).port;

  // A TLS broker with a self-signed certificate.
  tlsDir = mkdtempSync(path.join(tmpdir(), 'qiao-mqtt-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    '-keyout', path.join(tlsDir, 'key.pem'), '-out', path.join(tlsDir, 'cert.pem')], { stdio: 'ignore' });
  tlsBroker = await Aedes.createBroker();
  tlsServer = createTlsServer({ key: readFileSync(path.join(tlsDir, 'key.pem')), cert: readFileSync(path.join(tlsDir, 'cert.pem')) }, tlsBroker.handle);
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  tlsPort = (tlsServer.address() as AddressInfo).port;
});

afterAll(async () => {
  await closePublishers();
  await new Promise((resolve) => aedesServer.close(resolve));
  await new Promise((resolve) => tlsServer.close(resolve));
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
  await new Promise<void>((resolve) => tlsBroker.close(() => resolve()));
  rmSync(tlsDir, { recursive: true, force: true });
});

describe('mqtt.publish against Mosquitto', () => {
  it('publishes with QoS 1 and retain; a later subscriber gets the retained message', async () => {
    const topic = `qiao-test/${run}/publish/retained`;
    const ctx = createTestContext({ credentials: credentials() });
    const output = await runAction({ connector: mqtt, action: publish, context: ctx, input: { topic, payload: { meterId: 'M-1', kwh: 12.5 }, qos: 1, retain: true } });
    expect(output).toMatchObject({ topic, qos: 1, retain: true, bytes: 28 });
    expect((output as { messageId?: number }).messageId).toBeGreaterThan(0);

    const reader = await connectAsync(BROKER, { clientId: `r${run}a`, clean: true });
    const received = new Promise<IPublishPacket>((resolve) => reader.on('message', (_t, _p, packet) => resolve(packet)));
    await reader.subscribeAsync(topic, { qos: 1 });
    const packet = await received;
    expect(packet.retain).toBe(true);
    expect(JSON.parse(packet.payload.toString())).toEqual({ meterId: 'M-1', kwh: 12.5 });
    // Clear the retained message (an empty retained payload) so the broker does not keep it.
    await reader.publishAsync(topic, '', { qos: 1, retain: true });
    await reader.endAsync();
  });

  it('sends a string as text, QoS 2 resolves after PUBCOMP, and a wildcard topic is refused naming the field', async () => {
    const topic = `qiao-test/${run}/publish/text`;
    const reader = await connectAsync(BROKER, { clientId: `r${run}b`, clean: true });
    await reader.subscribeAsync(topic, { qos: 2 });
    const received = new Promise<string>((resolve) => reader.on('message', (_t, payload) => resolve(payload.toString())));
    const ctx = createTestContext({ credentials: credentials() });
    await expect(runAction({ connector: mqtt, action: publish, context: ctx, input: { topic, payload: 'ON', qos: 2 } })).resolves.toMatchObject({ qos: 2, bytes: 2 });
    expect(await received).toBe('ON');
    await reader.endAsync();
    await expect(runAction({ connector: mqtt, action: publish, context: ctx, input: { topic: 'a/+/b', payload: 1 } })).rejects.toMatchObject({ name: 'UserError', code: 'invalid_topic', path: ['params', 'topic'] });
  });

  it('fails with a retryable network error when the broker is unreachable', async () => {
    const ctx = createTestContext({ credentials: credentials({ brokerUrl: 'mqtt://127.0.0.1:1' }) });
    await expect(runAction({ connector: mqtt, action: publish, context: ctx, input: { topic: 'x', payload: 1 } })).rejects.toMatchObject({ name: 'ConnectorError', code: 'network', retryable: true });
  });
});

describe('mqtt testConnection says precisely what failed', () => {
  it('succeeds against Mosquitto and checks the trigger subscriptions', async () => {
    await expect(test(credentials({ subscriptions: `qiao-test/${run}/+/energy 1` }))).resolves.toMatchObject({ ok: true, detail: expect.stringContaining('127.0.0.1:1883') });
  });

  it('connection refused', async () => {
    await expect(test(credentials({ brokerUrl: 'mqtt://127.0.0.1:1' }))).rejects.toMatchObject({ code: 'network', message: expect.stringContaining('refused the connection') });
  });

  it('unknown host', async () => {
    await expect(test(credentials({ brokerUrl: 'mqtt://broker.invalid:1883' }))).rejects.toMatchObject({ code: 'network', message: expect.stringMatching(/DNS/) });
  });

  it('bad credentials: CONNACK return code 4', async () => {
    await expect(test(credentials({ brokerUrl: `mqtt://127.0.0.1:${aedesPort}`, username: 'meter', password: 'wrong' }))).rejects.toMatchObject({
      code: 'bad_credentials', retryable: false, detail: { connackCode: 4 }, message: expect.stringContaining('CONNACK 4'),
    });
    await expect(test(credentials({ brokerUrl: `mqtt://127.0.0.1:${aedesPort}`, username: 'meter', password: 'right' }))).resolves.toMatchObject({ ok: true });
  });

  it('TLS: an untrusted certificate is named, the right CA passes', async () => {
    const url = `mqtts://127.0.0.1:${tlsPort}`;
    await expect(test(credentials({ brokerUrl: url }))).rejects.toMatchObject({ code: 'tls', message: expect.stringMatching(/self[- ]signed/i) });
    const ca = readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8');
    await expect(test(credentials({ brokerUrl: url, tlsCa: ca }))).resolves.toMatchObject({ ok: true });
  });

  it('TLS spoken to a plain MQTT port', async () => {
    await expect(test(credentials({ brokerUrl: 'mqtts://127.0.0.1:1883' }))).rejects.toMatchObject({ code: 'network', message: expect.stringContaining('TLS') });
  });
});

describe('mqtt subscriber', () => {
  it('reports a refused login and keeps retrying with backoff until the broker accepts it', async () => {
    const states: SubscriberState[] = [];
    const subscriber = openSubscriber({
      credentials: credentials({ brokerUrl: `mqtt://127.0.0.1:${aedesPort}`, username: 'meter', password: 'later', subscriptions: 'x/# 1' }),
      clientId: `s${run}`,
      onMessage: async () => undefined,
      onState: (state) => states.push(state),
      logger: createTestContext({ credentials: credentials() }).logger,
      minBackoffMs: 50,
      maxBackoffMs: 200,
    });
    try {
      const deadline = Date.now() + 10_000;
      while (!states.some((s) => s.state === 'offline' && s.error?.code === 'bad_credentials')) {
        if (Date.now() > deadline) throw new Error(`no bad_credentials state: ${JSON.stringify(states)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      acceptLater = true;
      while (!states.some((s) => s.state === 'connected')) {
        if (Date.now() > deadline) throw new Error(`never connected: ${JSON.stringify(states)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      await subscriber.close();
    }
  });
});
