import { createHash } from 'node:crypto';
import type { PrismaClient } from '@qiao/db';

/**
 * `Idempotency-Key` per draft-ietf-httpapi-idempotency-key-header: records live in PostgreSQL, scoped
 * per API key, with a fingerprint of the request; a completed record replays the original response.
 */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** How long a claimed key blocks retries before a crashed request's claim may be taken over. */
const LOCK_MS = 30_000;

export type HeaderCheck = { ok: true; key: string | null } | { ok: false; message: string };

/** The draft makes the value a Structured Field string ("..."); a bare token is accepted too. */
export function parseIdempotencyKey(value: string | string[] | undefined): HeaderCheck {
  if (value === undefined) return { ok: true, key: null };
  if (Array.isArray(value)) return { ok: false, message: 'Send Idempotency-Key once.' };
  let key = value.trim();
  if (key.startsWith('"')) {
    if (key.length < 2 || !key.endsWith('"')) return { ok: false, message: 'Idempotency-Key: a quoted value must end with a quote.' };
    key = key.slice(1, -1);
    if (/["\\]/.test(key)) return { ok: false, message: 'Idempotency-Key: escapes are not supported inside the quoted value.' };
  }
  if (key.length === 0) return { ok: false, message: 'Idempotency-Key is empty.' };
  if (key.length > 255) return { ok: false, message: 'Idempotency-Key is longer than 255 characters.' };
  if (!/^[\x21-\x7e]+$/.test(key)) return { ok: false, message: 'Idempotency-Key may hold only visible ASCII characters (no spaces).' };
  return { ok: true, key };
}

/** What makes two requests "the same payload": media type, the ce-* attributes (binary mode) and the body bytes. */
export function requestFingerprint(headers: Record<string, string | string[] | undefined>, body: Buffer): string {
  const hash = createHash('sha256');
  const contentType = headers['content-type'];
  hash.update(`content-type:${String(contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? ''}\n`);
  for (const name of Object.keys(headers).filter((n) => n.toLowerCase().startsWith('ce-')).sort()) {
    hash.update(`${name.toLowerCase()}:${String(headers[name])}\n`);
  }
  hash.update('\n').update(body);
  return hash.digest('hex');
}

export interface StoredResponse {
  status: number;
  body: unknown;
}

export type Claim =
  | { kind: 'claimed' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

export class IdempotencyStore {
  constructor(private readonly prisma: PrismaClient, private readonly ttlMs: number) {}

  /**
   * Claims the key for this request, or says why not. An expired record, or an in-flight one whose lock
   * ran out with the same fingerprint (its request died), is taken over.
   */
  async claim(input: { apiKeyId: string; key: string; fingerprint: string }): Promise<Claim> {
    const claimed = await this.prisma.$queryRaw<{ claimed: boolean }[]>`
      INSERT INTO idempotency_keys ("apiKeyId", key, fingerprint, state, "lockedUntil", "createdAt", "expiresAt")
      VALUES (${input.apiKeyId}::uuid, ${input.key}, ${input.fingerprint}, 'in_flight'::"IdempotencyState",
              now() + ${`${LOCK_MS} milliseconds`}::interval, now(), now() + ${`${this.ttlMs} milliseconds`}::interval)
      ON CONFLICT ("apiKeyId", key) DO UPDATE
        SET fingerprint = EXCLUDED.fingerprint, state = 'in_flight'::"IdempotencyState", "responseStatus" = NULL, "responseBody" = NULL,
            "lockedUntil" = EXCLUDED."lockedUntil", "createdAt" = now(), "expiresAt" = EXCLUDED."expiresAt"
        WHERE idempotency_keys."expiresAt" < now()
           OR (idempotency_keys.state = 'in_flight'::"IdempotencyState" AND idempotency_keys."lockedUntil" < now()
               AND idempotency_keys.fingerprint = EXCLUDED.fingerprint)
      RETURNING true AS claimed`;
    if (claimed.length > 0) return { kind: 'claimed' };
    const row = await this.prisma.idempotencyKey.findUnique({
      where: { apiKeyId_key: { apiKeyId: input.apiKeyId, key: input.key } },
      select: { fingerprint: true, state: true, responseStatus: true, responseBody: true },
    });
    // Released between our insert and this read: the other request failed, so this one may simply retry.
    if (!row) return { kind: 'in_flight' };
    if (row.fingerprint !== input.fingerprint) return { kind: 'mismatch' };
    if (row.state === 'in_flight' || row.responseStatus === null) return { kind: 'in_flight' };
    return { kind: 'replay', response: { status: row.responseStatus, body: row.responseBody } };
  }

  async complete(input: { apiKeyId: string; key: string; response: StoredResponse }): Promise<void> {
    await this.prisma.idempotencyKey.update({
      where: { apiKeyId_key: { apiKeyId: input.apiKeyId, key: input.key } },
      data: { state: 'completed', responseStatus: input.response.status, responseBody: input.response.body as object },
    });
  }

  /** The request failed before a response worth replaying: forget the claim so a retry runs afresh. */
  async release(input: { apiKeyId: string; key: string }): Promise<void> {
    await this.prisma.idempotencyKey.deleteMany({ where: { apiKeyId: input.apiKeyId, key: input.key, state: 'in_flight' } });
  }

  async deleteExpired(): Promise<number> {
    const result = await this.prisma.idempotencyKey.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    return result.count;
  }
}
