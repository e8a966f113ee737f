import { randomBytes } from 'node:crypto';
import { decrypt, encrypt, sha1Signature } from './crypto';

export interface PushRequest {
  /** Qiao's callback URL, e.g. http://127.0.0.1:3000/api/callbacks/dingtalk/<connectionId>. */
  url: string;
  token: string;
  aesKey: string;
  ownerKey: string;
  /** The event JSON, e.g. {"EventType":"bpms_instance_change", …}. */
  event: Record<string, unknown>;
  timestamp?: string;
  nonce?: string;
  /** For negative tests: break the signature, or encrypt for another owner key. */
  tamper?: 'signature' | 'owner';
  timeoutMs?: number;
}

export interface PushResult {
  status: number;
  body: string;
  elapsedMs: number;
  /** True when the answer is the encrypted, correctly signed `success` DingTalk requires. */
  successReply: boolean;
  replyProblem?: string;
}

/** Sends one event the way DingTalk's HTTP push does, and checks the answer like DingTalk would. */
export async function pushEvent(request: PushRequest): Promise<PushResult> {
  const owner = request.tamper === 'owner' ? `${request.ownerKey}-other` : request.ownerKey;
  const encrypted = encrypt(request.aesKey, owner, JSON.stringify(request.event));
  const timestamp = request.timestamp ?? String(Date.now());
  const nonce = request.nonce ?? randomBytes(4).toString('hex');
  let signature = sha1Signature(request.token, timestamp, nonce, encrypted);
  if (request.tamper === 'signature') signature = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
  const url = new URL(request.url);
  url.searchParams.set('signature', signature);
  url.searchParams.set('timestamp', timestamp);
  url.searchParams.set('nonce', nonce);
  const started = Date.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ encrypt: encrypted }),
    signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
  });
  const body = await response.text();
  const elapsedMs = Date.now() - started;
  const check = checkReply(request, body);
  return { status: response.status, body, elapsedMs, successReply: check === null, ...(check ? { replyProblem: check } : {}) };
}

function checkReply(request: PushRequest, body: string): string | null {
  let reply: Record<string, unknown>;
  try {
    reply = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return 'reply is not JSON';
  }
  const { msg_signature: sig, nonce, encrypt: enc } = reply;
  const ts = reply['timeStamp'] ?? reply['timestamp'];
  if (typeof sig !== 'string' || typeof ts !== 'string' || typeof nonce !== 'string' || typeof enc !== 'string') return 'reply lacks msg_signature, timeStamp, nonce or encrypt';
  if (sha1Signature(request.token, ts, nonce, enc) !== sig) return 'reply signature does not match';
  try {
    const { message, ownerKey } = decrypt(request.aesKey, enc);
    if (ownerKey !== request.ownerKey) return `reply encrypted for owner ${ownerKey}`;
    if (message !== 'success') return `reply decrypts to ${JSON.stringify(message)}, not "success"`;
  } catch (error) {
    return `reply does not decrypt: ${String(error)}`;
  }
  return null;
}
