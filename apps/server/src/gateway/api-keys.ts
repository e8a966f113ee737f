import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '@qiao/db';
import type { Logger, SecretBox } from '@qiao/runtime';

/** A key reads `qiao_<prefix>_<secret>`: the prefix finds the row, only a hash of the whole key is stored. */
const KEY_PATTERN = /^qiao_([0-9a-f]{12})_([A-Za-z0-9_-]{32,64})$/;

export interface IssuedKey {
  key: string;
  prefix: string;
  keyHash: string;
}

export function issueApiKey(): IssuedKey {
  const prefix = randomBytes(6).toString('hex');
  const key = `qiao_${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, keyHash: hashKey(key) };
}

/** The HMAC signing secret of a key; shown once, stored sealed because verification needs it back. */
export function issueSigningSecret(): string {
  return `qsig_${randomBytes(32).toString('base64url')}`;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface VerifiedKey {
  id: string;
  source: string;
  scopes: string[];
  requireSignature: boolean;
  /** Plaintext signing secret, or null when the key has none. */
  signingSecret: string | null;
  rateLimitPerMinute: number | null;
}

export interface VerifierOptions {
  prisma: PrismaClient;
  box: SecretBox;
  /** Shared by every server instance; null runs without a cache (every request reads PostgreSQL). */
  redis: Redis | null;
  /** Redis key of the API-key version, replaced by a fresh random value on every change to any key. */
  versionKey: string;
  logger?: Logger;
  ttlMs?: number;
}

interface CacheEntry {
  key: VerifiedKey;
  version: string;
  until: number;
}

/**
 * Verifies bearer keys. Good keys are cached so the hot path costs no query, but each entry is tied to
 * the value of a Redis version that every revocation or edit replaces (`invalidate`): one GET per request
 * tells every instance at once that its cache is stale. If Redis cannot answer, nothing is cached.
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttlMs: number;
  constructor(private readonly options: VerifierOptions) {
    this.ttlMs = options.ttlMs ?? 30_000;
  }

  /**
   * The key cached for this exact token, NOT checked against the version: only a hint that lets the
   * gateway count the request against its rate limit while verify() runs. Never a reason to accept.
   */
  cachedKey(presented: string): VerifiedKey | null {
    const cached = this.cache.get(hashKey(presented));
    return cached && cached.until > Date.now() ? cached.key : null;
  }

  async verify(presented: string): Promise<VerifiedKey | null> {
    const match = KEY_PATTERN.exec(presented);
    if (!match?.[1]) return null;
    const hash = hashKey(presented);
    const version = await this.currentVersion();
    const cached = this.cache.get(hash);
    if (cached && version !== null && cached.version === version && cached.until > Date.now()) return cached.key;
    if (cached) this.cache.delete(hash);

    const row = await this.options.prisma.apiKey.findUnique({
      where: { prefix: match[1] },
      select: { id: true, source: true, keyHash: true, revokedAt: true, scopes: true, requireSignature: true, signingSecret: true, rateLimitPerMinute: true },
    });
    if (!row || row.revokedAt) return null;
    const a = Buffer.from(row.keyHash, 'hex');
    const b = Buffer.from(hash, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    const key: VerifiedKey = {
      id: row.id,
      source: row.source,
      scopes: row.scopes,
      requireSignature: row.requireSignature,
      signingSecret: row.signingSecret ? this.options.box.open(row.signingSecret) : null,
      rateLimitPerMinute: row.rateLimitPerMinute,
    };
    // Cached under the version read before the query: a change that lands meanwhile bumps the version, so this entry is never served.
    if (version !== null) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, { key, version, until: Date.now() + this.ttlMs });
    }
    void this.options.prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    return key;
  }

  /**
   * Call after any change to a key (revoke, scopes, signing, limits): every instance re-reads it on its next
   * request. The change is committed already, so a Redis failure here is logged, not thrown: other instances
   * then notice within the cache TTL (30 s) at the latest.
   */
  async invalidate(): Promise<void> {
    this.cache.clear();
    try {
      // A random value, not a counter: after Redis lost its data a counter restarts and can come back to a
      // value some instance cached keys under, which would then be served although they changed.
      await this.options.redis?.set(this.options.versionKey, randomUUID());
    } catch (err) {
      this.options.logger?.error({ err: String(err) }, 'API key change not broadcast (Redis did not answer); other instances apply it within 30 s');
    }
  }

  private async currentVersion(): Promise<string | null> {
    if (!this.options.redis) return null;
    try {
      return (await this.options.redis.get(this.options.versionKey)) ?? '0';
    } catch (err) {
      this.options.logger?.warn({ err: String(err) }, 'API key cache bypassed: Redis did not answer');
      return null;
    }
  }
}
