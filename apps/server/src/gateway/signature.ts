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

// Unused → claimed; released for exactly one request (value "retry:<fingerprint>") → claimed by that request only.
const CLAIM_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], 'used', 'PX', ARGV[1]); return 1 end
if v == ARGV[2] then redis.call('SET', KEYS[1], 'used', 'KEEPTTL'); return 1 end
return 0`;

const signatureKey = (options: { prefix: string; apiKeyId: string; digest: string }) => `${options.prefix}:gw:sig:${options.apiKeyId}:${options.digest}`;

/**
 * Replay protection: a signature is accepted once. Remembered in Redis (shared by all instances) for
 * twice the window, since a timestamp may be up to the tolerance in the past or the future.
 * `fingerprint` identifies the whole request (body and ce-* headers), for `releaseSignature`.
 */
export async function claimSignature(redis: Redis, options: { prefix: string; apiKeyId: string; digest: string; fingerprint: string }): Promise<boolean> {
  const result = await redis.eval(CLAIM_SCRIPT, 1, signatureKey(options), String(SIGNATURE_TOLERANCE_SECONDS * 2 * 1000), `retry:${options.fingerprint}`);
  return result === 1;
}

/**
 * A claimed signature whose request was not accepted (409, 503): the sender's retry of the very same
 * request (same body, same ce-* headers) may use it once more. Anything else with it stays a replay,
 * so a binary-mode request (whose ce-* headers are not signed) cannot be re-sent with other attributes.
 */
export async function releaseSignature(redis: Redis, options: { prefix: string; apiKeyId: string; digest: string; fingerprint: string }): Promise<void> {
  await redis.set(signatureKey(options), `retry:${options.fingerprint}`, 'KEEPTTL', 'XX');
}
