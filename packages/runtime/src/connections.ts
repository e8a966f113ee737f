import type { PrismaClient } from '@qiao/db';
import type { SecretBox } from './secret-box';

interface CachedCredentials {
  connectorId: string;
  credentials: unknown;
  /** Calls per second the remote system allows through this connection, if limited. */
  rateLimitPerSecond: number | null;
  expiresAt: number;
}

/**
 * Decrypted credentials are held briefly in memory so a burst of steps does not decrypt and query
 * on every call, yet an edited connection takes effect within the TTL.
 */
export class ConnectionResolver {
  private readonly cache = new Map<string, CachedCredentials>();
  constructor(
    private readonly prisma: PrismaClient,
    private readonly box: SecretBox,
    private readonly ttlMs = 15_000,
  ) {}

  async resolve(connectionId: string): Promise<{ connectorId: string; credentials: unknown; rateLimitPerSecond: number | null } | null> {
    const now = Date.now();
    const hit = this.cache.get(connectionId);
    if (hit && hit.expiresAt > now) return hit;
    const row = await this.prisma.connection.findUnique({ where: { id: connectionId }, select: { connectorId: true, secret: true, settings: true } });
    if (!row) return null;
    const limit = (row.settings as { rateLimitPerSecond?: unknown } | null)?.rateLimitPerSecond;
    const entry = {
      connectorId: row.connectorId,
      credentials: this.box.openJson(row.secret),
      rateLimitPerSecond: typeof limit === 'number' && limit > 0 ? limit : null,
      expiresAt: now + this.ttlMs,
    };
    this.cache.set(connectionId, entry);
    return entry;
  }

  async recordUse(connectionId: string, error: string | null): Promise<void> {
    await this.prisma.connection.updateMany({ where: { id: connectionId }, data: { lastUsedAt: new Date(), ...(error === null ? {} : { lastError: error }) } });
  }
}
