import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PrismaClient } from '@qiao/db';

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

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface VerifiedKey {
  id: string;
  source: string;
}

/** Verifies bearer keys; remembers good ones briefly so the hot path costs no query. */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { key: VerifiedKey; until: number }>();
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ttlMs = 30_000,
  ) {}

  async verify(presented: string): Promise<VerifiedKey | null> {
    const match = KEY_PATTERN.exec(presented);
    if (!match?.[1]) return null;
    const hash = hashKey(presented);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.key;
    const row = await this.prisma.apiKey.findUnique({ where: { prefix: match[1] }, select: { id: true, source: true, keyHash: true, revokedAt: true } });
    if (!row || row.revokedAt) return null;
    const a = Buffer.from(row.keyHash, 'hex');
    const b = Buffer.from(hash, 'hex');
    if (a.length !== b.length || !timingSafeEqual(a, b)) return null;
    const key = { id: row.id, source: row.source };
    this.cache.set(hash, { key, until: Date.now() + this.ttlMs });
    void this.prisma.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } }).catch(() => undefined);
    return key;
  }

  forget(): void {
    this.cache.clear();
  }
}
