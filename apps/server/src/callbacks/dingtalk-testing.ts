import { buildSignedCallback } from '@qiao/connectors';

/**
 * A valid, signed and encrypted DingTalk callback request for app.inject — for tests and the
 * gateway fuzz harness, which can mutate any part of it (query, body, signature) and expect a 4xx.
 */
export function dingtalkCallbackRequest(args: { connectionId: string; token: string; aesKey: string; ownerKey: string; event: Record<string, unknown>; timestamp?: string; nonce?: string }): {
  method: 'POST';
  url: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  payload: string;
} {
  const signed = buildSignedCallback({ ...args, message: JSON.stringify(args.event) });
  return {
    method: 'POST',
    url: `/api/callbacks/dingtalk/${args.connectionId}`,
    query: { signature: signed.query.signature, timestamp: signed.query.timestamp, nonce: signed.query.nonce },
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(signed.body),
  };
}
