import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * DingTalk's HTTP-push event crypto (the DingCallbackCrypto construction, shared with WeCom):
 * AES-256-CBC with key = base64(aesKey + "="), IV = the key's first 16 bytes, PKCS#7 padding to a
 * multiple of 32; plaintext = 16 random bytes ‖ 4-byte big-endian length ‖ message ‖ owner key
 * (appKey or corpId); signature = SHA-1 hex of the sorted [token, timestamp, nonce, encrypt] joined.
 */
const BLOCK = 32;

export class CallbackCryptoError extends Error {
  override readonly name = 'CallbackCryptoError';
  constructor(
    readonly code: 'bad_signature' | 'bad_ciphertext' | 'wrong_owner' | 'bad_aes_key',
    message: string,
  ) {
    super(message);
  }
}

export function callbackKey(aesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(aesKey)) throw new CallbackCryptoError('bad_aes_key', 'aesKey must be 43 letters or digits');
  const key = Buffer.from(`${aesKey}=`, 'base64');
  if (key.length !== 32) throw new CallbackCryptoError('bad_aes_key', 'aesKey does not decode to 32 bytes');
  return key;
}

export function callbackSignature(parts: { token: string; timestamp: string; nonce: string; encrypt: string }): string {
  const joined = [parts.token, parts.timestamp, parts.nonce, parts.encrypt].sort().join('');
  return createHash('sha1').update(joined, 'utf8').digest('hex');
}

/** Compares in constant time; any length or case difference is simply a mismatch. */
export function verifyCallbackSignature(parts: { token: string; timestamp: string; nonce: string; encrypt: string; signature: string }): boolean {
  const expected = Buffer.from(callbackSignature(parts), 'utf8');
  const given = Buffer.from(parts.signature.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function encryptCallback(args: { aesKey: string; ownerKey: string; message: string; random?: Buffer }): string {
  const key = callbackKey(args.aesKey);
  const body = Buffer.from(args.message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const random = args.random ?? randomBytes(16);
  if (random.length !== 16) throw new Error('random prefix must be 16 bytes');
  const plain = Buffer.concat([random, length, body, Buffer.from(args.ownerKey, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const padded = Buffer.concat([plain, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}

/** Decrypts and checks the owner key; throws CallbackCryptoError on anything malformed or foreign. */
export function decryptCallback(args: { aesKey: string; ownerKey: string; encrypt: string }): string {
  const key = callbackKey(args.aesKey);
  const raw = Buffer.from(args.encrypt, 'base64');
  if (raw.length === 0 || raw.length % 16 !== 0) throw new CallbackCryptoError('bad_ciphertext', 'encrypt is not a whole number of AES blocks');
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(raw), decipher.final()]);
  } catch {
    throw new CallbackCryptoError('bad_ciphertext', 'encrypt could not be decrypted');
  }
  const pad = plain[plain.length - 1] ?? 0;
  if (pad < 1 || pad > BLOCK || pad > plain.length || !plain.subarray(plain.length - pad).every((b) => b === pad)) {
    throw new CallbackCryptoError('bad_ciphertext', 'bad PKCS#7 padding');
  }
  const unpadded = plain.subarray(0, plain.length - pad);
  if (unpadded.length < 20) throw new CallbackCryptoError('bad_ciphertext', 'plaintext too short');
  const length = unpadded.readUInt32BE(16);
  if (20 + length > unpadded.length) throw new CallbackCryptoError('bad_ciphertext', 'message length exceeds plaintext');
  const message = unpadded.subarray(20, 20 + length);
  const owner = unpadded.subarray(20 + length);
  const expected = Buffer.from(args.ownerKey, 'utf8');
  if (owner.length !== expected.length || !timingSafeEqual(owner, expected)) {
    throw new CallbackCryptoError('wrong_owner', 'the event was encrypted for another app or corp');
  }
  return message.toString('utf8');
}

export interface SignedCallback {
  query: { signature: string; msg_signature: string; timestamp: string; nonce: string };
  body: { encrypt: string };
}

/**
 * Builds what DingTalk would POST for `message`: the query and the JSON body. For tests, the
 * simulator-independent side of round trips, and fuzz harnesses that need a valid request to mutate.
 */
export function buildSignedCallback(args: { token: string; aesKey: string; ownerKey: string; message: string; timestamp?: string; nonce?: string }): SignedCallback {
  const encrypt = encryptCallback(args);
  const timestamp = args.timestamp ?? String(Date.now());
  const nonce = args.nonce ?? randomBytes(6).toString('hex');
  const signature = callbackSignature({ token: args.token, timestamp, nonce, encrypt });
  return { query: { signature, msg_signature: signature, timestamp, nonce }, body: { encrypt } };
}

/** The reply DingTalk expects within 1.5 s: `success`, encrypted and signed. */
export function encryptedSuccess(args: { token: string; aesKey: string; ownerKey: string; timestamp?: string; nonce?: string }): {
  msg_signature: string;
  timeStamp: string;
  nonce: string;
  encrypt: string;
} {
  const signed = buildSignedCallback({ ...args, message: 'success' });
  return { msg_signature: signed.query.signature, timeStamp: signed.query.timestamp, nonce: signed.query.nonce, encrypt: signed.body.encrypt };
}
