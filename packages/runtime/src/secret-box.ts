import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for connector credentials at rest. Layout (base64): version byte | iv(12) | tag(16) | ciphertext.
 * The version byte leaves room for key rotation without guessing the format of old rows.
 */
const VERSION = 1;

export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
  sealJson(value: unknown): string;
  openJson(sealed: string): unknown;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('The secrets key must be 32 bytes (AES-256).');
  const seal = (plaintext: string): string => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]).toString('base64');
  };
  const open = (sealed: string): string => {
    const raw = Buffer.from(sealed, 'base64');
    if (raw.length < 29 || raw[0] !== VERSION) throw new Error('Sealed secret has an unknown format.');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(1, 13));
    decipher.setAuthTag(raw.subarray(13, 29));
    return Buffer.concat([decipher.update(raw.subarray(29)), decipher.final()]).toString('utf8');
  };
  return {
    seal,
    open,
    sealJson: (value) => seal(JSON.stringify(value)),
    openJson: (sealed) => JSON.parse(open(sealed)) as unknown,
  };
}

/** Parses a key given as 64 hex characters or base64 of 32 bytes. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('QIAO_SECRET_KEY must be 32 bytes as 64 hex characters or base64.');
  return key;
}
