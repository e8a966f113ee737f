import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// The simulator's own implementation of WeCom's callback crypto, written from the published
// algorithm independently of the Qiao connector, so each one checks the other.

const PAD_BLOCK = 32;

export function keyFrom(encodingAesKey: string): Buffer {
  const key = Buffer.from(encodingAesKey + '=', 'base64');
  if (encodingAesKey.length !== 43 || key.length !== 32) throw new Error('EncodingAESKey must be 43 characters decoding to 32 bytes');
  return key;
}

export function sign(token: string, timestamp: string, nonce: string, encrypted: string): string {
  const joined = [token, timestamp, nonce, encrypted].sort().join('');
  return createHash('sha1').update(joined).digest('hex');
}

/** Options let the control API forge requests: another receiveid, or broken padding. */
export function encrypt(encodingAesKey: string, message: string, receiveId: string, options: { badPadding?: boolean } = {}): string {
  const key = keyFrom(encodingAesKey);
  const body = Buffer.from(message, 'utf8');
  const header = Buffer.alloc(20);
  randomBytes(16).copy(header, 0);
  header.writeUInt32BE(body.length, 16);
  const content = Buffer.concat([header, body, Buffer.from(receiveId, 'utf8')]);
  const padLength = PAD_BLOCK - (content.length % PAD_BLOCK);
  const padding = Buffer.alloc(padLength, options.badPadding ? 0 : padLength);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([content, padding])), cipher.final()]).toString('base64');
}

export function decrypt(encodingAesKey: string, encrypted: string): { message: string; receiveId: string } {
  const key = keyFrom(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypted, 'base64')), decipher.final()]);
  const padLength = plain.at(-1) ?? 0;
  if (padLength < 1 || padLength > PAD_BLOCK) throw new Error('bad padding');
  const content = plain.subarray(0, plain.length - padLength);
  const length = content.readUInt32BE(16);
  return { message: content.subarray(20, 20 + length).toString('utf8'), receiveId: content.subarray(20 + length).toString('utf8') };
}
