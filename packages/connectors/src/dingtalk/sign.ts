import { createHmac } from 'node:crypto';

/**
 * 加签 for a custom robot: base64 of HMAC-SHA256 (key = secret) over `timestamp + "\n" + secret`,
 * with the timestamp in milliseconds. Returns the raw base64; it is URL-encoded when it goes into
 * the query string (URLSearchParams does that, so encoding it here would encode it twice).
 */
export function robotSignature(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** The query parameters DingTalk expects next to access_token when 加签 is on. */
export function robotSignQuery(secret: string, timestampMs: number): { timestamp: string; sign: string } {
  return { timestamp: String(timestampMs), sign: robotSignature(secret, timestampMs) };
}
