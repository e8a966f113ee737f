import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * WeCom's callback encryption (WXBizMsgCrypt), written from the documented algorithm:
 * - key = base64(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = key[0..16), no auto padding;
 * - PKCS#7 padding to a multiple of 32 bytes (pad value 1..32);
 * - plaintext = 16 random bytes ‖ message length (4 bytes, big-endian) ‖ message ‖ receiveid;
 * - msg_signature = lower-case hex SHA-1 of the lexicographically sorted [token, timestamp, nonce, ciphertext], concatenated.
 */

export const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;
const BLOCK = 32;

export type WecomCryptoFailure = 'bad_key' | 'bad_ciphertext' | 'bad_padding' | 'bad_length' | 'bad_receive_id';

export class WecomCryptoError extends Error {
  override readonly name = 'WecomCryptoError';
  constructor(
    readonly reason: WecomCryptoFailure,
    message: string,
  ) {
    super(message);
  }
}

export function aesKeyOf(encodingAesKey: string): Buffer {
  if (!ENCODING_AES_KEY.test(encodingAesKey)) throw new WecomCryptoError('bad_key', 'EncodingAESKey must be 43 letters or digits');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new WecomCryptoError('bad_key', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

export function signatureOf(parts: { token: string; timestamp: string; nonce: string; encrypted: string }): string {
  const sorted = [parts.token, parts.timestamp, parts.nonce, parts.encrypted].sort();
  return createHash('sha1').update(sorted.join(''), 'utf8').digest('hex');
}

/** Timing-safe comparison with the expected signature; any malformed value is simply "no". */
export function signatureMatches(parts: { token: string; timestamp: string; nonce: string; encrypted: string; signature: string }): boolean {
  const expected = Buffer.from(signatureOf(parts), 'utf8');
  const given = Buffer.from(parts.signature.toLowerCase(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function pkcs7Pad(data: Buffer): Buffer {
  const pad = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(pad, pad)]);
}

/** Every pad byte is checked, not only the last one: a forged ciphertext must not decrypt "mostly". */
export function pkcs7Unpad(data: Buffer): Buffer {
  const pad = data[data.length - 1];
  if (pad === undefined || pad < 1 || pad > BLOCK || pad > data.length) throw new WecomCryptoError('bad_padding', 'invalid PKCS#7 padding');
  for (let i = data.length - pad; i < data.length; i += 1) {
    if (data[i] !== pad) throw new WecomCryptoError('bad_padding', 'invalid PKCS#7 padding');
  }
  return data.subarray(0, data.length - pad);
}

export interface EncryptOptions {
  encodingAesKey: string;
  message: string;
  receiveId: string;
  /** 16 bytes; random when absent (tests pass a fixed value for known vectors). */
  random?: Buffer;
}

/** Returns the base64 ciphertext (the `Encrypt` element / `echostr`). */
export function encryptMessage(options: EncryptOptions): string {
  const key = aesKeyOf(options.encodingAesKey);
  const random = options.random ?? randomBytes(16);
  if (random.length !== 16) throw new WecomCryptoError('bad_length', 'the random prefix must be 16 bytes');
  const message = Buffer.from(options.message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(message.length, 0);
  const plain = pkcs7Pad(Buffer.concat([random, length, message, Buffer.from(options.receiveId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

export interface DecryptedMessage {
  message: string;
  receiveId: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function decryptMessage(encodingAesKey: string, encrypted: string): DecryptedMessage {
  const key = aesKeyOf(encodingAesKey);
  if (!BASE64.test(encrypted) || encrypted.length % 4 !== 0) throw new WecomCryptoError('bad_ciphertext', 'the ciphertext is not base64');
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % BLOCK !== 0) throw new WecomCryptoError('bad_ciphertext', `the ciphertext is not a multiple of ${BLOCK} bytes`);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = pkcs7Unpad(Buffer.concat([decipher.update(data), decipher.final()]));
  if (plain.length < 20) throw new WecomCryptoError('bad_length', 'the plaintext is too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new WecomCryptoError('bad_length', 'the message length exceeds the plaintext');
  return { message: plain.subarray(20, 20 + length).toString('utf8'), receiveId: plain.subarray(20 + length).toString('utf8') };
}

/** Decrypts and checks that the trailing receiveid is ours (the corp id for a self-built app). */
export function decryptFor(args: { encodingAesKey: string; encrypted: string; receiveId: string }): string {
  const opened = decryptMessage(args.encodingAesKey, args.encrypted);
  const expected = Buffer.from(args.receiveId, 'utf8');
  const given = Buffer.from(opened.receiveId, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new WecomCryptoError('bad_receive_id', 'the receiveid does not match the corp id');
  return opened.message;
}
