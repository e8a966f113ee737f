import type { PrismaClient } from '@qiao/db';
import { getConnector, publicSummary } from '@qiao/connectors';
import type { SecretBox } from '@qiao/runtime';

export const DEMO_METERS_CONNECTION = '能源表计 Plant meters (MQTT demo)';
/** What `pnpm sim:meters` publishes by default: `plant/<site>/meter/<meterId>/energy`. */
export const DEMO_METERS_SUBSCRIPTION = 'plant/+/meter/+/energy 1';

/**
 * The demo MQTT connection for the meter simulator. Created once; on later starts only the broker
 * URL follows the (possibly re-ported) broker, so a user's edits to the subscriptions are kept.
 */
export async function seedMetersConnection(prisma: PrismaClient, box: SecretBox, mqttUrl: string): Promise<string> {
  const connector = getConnector('mqtt');
  if (!connector) throw new Error('The mqtt connector is not registered.');
  const existing = await prisma.connection.findUnique({ where: { name: DEMO_METERS_CONNECTION }, select: { id: true, secret: true } });
  const stored = existing ? (box.openJson(existing.secret) as Record<string, unknown>) : { clientIdPrefix: 'qiao-demo-', subscriptions: DEMO_METERS_SUBSCRIPTION };
  const credentials = connector.auth.parse({ ...stored, brokerUrl: mqttUrl });
  const data = { secret: box.sealJson(credentials), summary: publicSummary(connector, credentials) };
  if (existing) {
    if (stored.brokerUrl !== mqttUrl) await prisma.connection.update({ where: { id: existing.id }, data });
    return existing.id;
  }
  const row = await prisma.connection.create({ data: { name: DEMO_METERS_CONNECTION, connectorId: 'mqtt', ...data }, select: { id: true } });
  return row.id;
}
