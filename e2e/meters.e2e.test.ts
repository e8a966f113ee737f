import { connectAsync } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFleet } from '../bench/meters/meter';
import { seededRandom } from '../bench/meters/random';
import { startTestStack, type TestStack } from './support/stack-fixture';

// The stack as `npm start` runs it without MQTT_URL: the embedded aedes broker, the seeded meters
// connection, and a worker running the MQTT trigger.
let stack: TestStack;
let db: pg.Pool;

beforeAll(async () => {
  stack = await startTestStack('meters', { workers: 1 });
  db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
}, 180_000);

afterAll(async () => {
  await db?.end();
  await stack?.dispose();
});

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('npm start: meter readings over the embedded broker', () => {
  it('turns simulated meter readings into events, records a bad payload with its reason, and marks the connection used', async () => {
    expect(stack.mqttEmbedded).toBe(true);
    const fleet = createFleet(20, seededRandom(5));
    const client = await connectAsync(stack.mqttUrl, { clientId: 'e2e-meters', clean: true });
    // The worker subscribes shortly after start: publish until the first reading is committed.
    await until('the MQTT trigger to subscribe', async () => {
      await client.publishAsync('plant/e2e/meter/PROBE/energy', JSON.stringify({ probe: true }), { qos: 1 });
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM events WHERE subject = 'plant/e2e/meter/PROBE/energy'`);
      return (rows[0]?.n ?? 0) > 0;
    });
    for (const meter of fleet) {
      const reading = meter.read(Date.now());
      await client.publishAsync(`plant/sh01/meter/${reading.meterId}/energy`, JSON.stringify(reading), { qos: 1 });
    }
    await client.publishAsync('plant/sh01/meter/M-BAD/energy', 'kwh=12.5', { qos: 1 });
    await client.endAsync();

    const rows = await until('21 events', async () => {
      const { rows: found } = await db.query<{ subject: string; data: { kwhImp?: number; meterId?: string; base64?: string } | null; extensions: Record<string, unknown>; source: string }>(
        `SELECT subject, data, extensions, source FROM events WHERE type = 'com.qiao.mqtt.message' AND subject LIKE 'plant/sh01/meter/%'`,
      );
      return found.length >= 21 ? found : null;
    });
    expect(rows).toHaveLength(21);
    const good = rows.find((r) => r.subject === 'plant/sh01/meter/M-0001/energy');
    expect(good?.data).toMatchObject({ meterId: 'M-0001', kwhImp: expect.any(Number), q: 'good' });
    expect(good?.source).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]{36}$/);
    const bad = rows.find((r) => r.subject === 'plant/sh01/meter/M-BAD/energy');
    expect(bad?.extensions).toMatchObject({ payloaderror: expect.stringContaining('not JSON') });
    expect(bad?.data).toEqual({ base64: Buffer.from('kwh=12.5').toString('base64') });

    const { rows: connections } = await db.query<{ lastUsedAt: Date | null }>(`SELECT "lastUsedAt" FROM connections WHERE "connectorId" = 'mqtt'`);
    expect(connections).toHaveLength(1);
    expect(connections[0]?.lastUsedAt).not.toBeNull();
  }, 180_000);
});
