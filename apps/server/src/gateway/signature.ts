import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * `X-Qiao-Signature: t=<unix seconds>,v1=<hex>` where v1 = HMAC-SHA256(secret, "<t>.<raw body>").
 * Several v1 values may be sent (e.g. while rotating secrets); one match is enough.
 */
export const SIGNATURE_HEADER = 'x-qiao-signature';
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureCheck = { ok: true; digest: string } | { ok: false; message: string };

export function signBody(secret: string, timestamp: number, body: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

export function verifySignature(options: { header: string | undefined; secret: string; body: Buffer; nowSeconds: number }): SignatureCheck {
  const { header } = options;
  if (!header) return { ok: false, message: 'X-Qiao-Signature is missing; this API key requires signed requests.' };
  let timestamp: number | null = null;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return { ok: false, message: 'X-Qiao-Signature must read "t=<unix seconds>,v1=<hex HMAC-SHA256>".' };
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') {
      if (!/^\d{1,12}$/.test(value)) return { ok: false, message: 'X-Qiao-Signature: t must be a Unix time in seconds.' };
      timestamp = Number(value);
    } else if (name === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return { ok: false, message: 'X-Qiao-Signature: v1 must be 64 hex characters (HMAC-SHA256).' };
      candidates.push(value.toLowerCase());
    }
  }
  if (timestamp === null) return { ok: false, message: 'X-Qiao-Signature has no t=<unix seconds>.' };
  if (candidates.length === 0) return { ok: false, message: 'X-Qiao-Signature has no v1=<hex HMAC-SHA256>.' };
  if (Math.abs(options.nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    return { ok: false, message: `X-Qiao-Signature: t is more than ${SIGNATURE_TOLERANCE_SECONDS} seconds away from the server's clock.` };
  }
  const expected = Buffer.from(signBody(options.secret, timestamp, options.body), 'hex');
  for (const candidate of candidates) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) return { ok: true, digest: candidate };
  }
  return { ok: false, message: 'X-Qiao-Signature does not match the body: sign "<t>.<raw body>" with the key\'s signing secret.' };
}

/**
 * Replay protection: a signature is accepted once. Remembered in Redis (shared by all instances) for
 * twice the window, since a timestamp may be up to the tolerance in the past or the future.
 */
export async function claimSignature(redis: Redis, options: { prefix: string; apiKeyId: string; digest: string }): Promise<boolean> {
  const result = await redis.set(`${options.prefix}:gw:sig:${options.apiKeyId}:${options.digest}`, '1', 'PX', SIGNATURE_TOLERANCE_SECONDS * 2 * 1000, 'NX');
  return result === 'OK';
}

/** Forgets a claimed signature whose request was not accepted (503, 409): the sender's retry of the same bytes is then not a replay. */
export async function releaseSignature(redis: Redis, options: { prefix: string; apiKeyId: string; digest: string }): Promise<void> {
  await redis.del(`${options.prefix}:gw:sig:${options.apiKeyId}:${options.digest}`);
}
