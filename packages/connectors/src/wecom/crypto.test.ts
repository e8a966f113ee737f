import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WecomCryptoError, aesKeyOf, decryptFor, decryptMessage, encryptMessage, pkcs7Pad, pkcs7Unpad, signatureMatches, signatureOf } from './crypto';

const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const CORP = 'wx5823bf96d3bd56c7';
const MESSAGE = `<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><Event><![CDATA[sys_approval_change]]></Event></xml>`;
// Computed outside this code (Python framing + `openssl enc -aes-256-cbc -nopad`, and Python's SHA-1)
// with the random prefix 00 01 02 … 0f, following the documented layout.
const KNOWN_CIPHERTEXT =
  'JVwoIzeb5XuqKIT2XqjnoJjRHK0QYDvKQfVy5VCgMVd91QFBr0I1QicWEhm0FSo2sslLjXBbOAIa7JuetfJezJkqAjivlJU4nRjpSFFznjoteiLri0IDfi2+/8bUL+SPdAZQVv1LECpn23vPC7eniSYPXG8EsBxxpkV8fgoGR5USeDW1HWI3cX8ASp7RgMyANjqN1BQFLD/XFvC6vEWIRQ==';
const KNOWN_SIGNATURE = '3672026a011b130a8afd2edb97975e5415522265';
const RANDOM = Buffer.from(Array.from({ length: 16 }, (_, i) => i));

describe('WXBizMsgCrypt', () => {
  it('derives the 32-byte key from the 43-character EncodingAESKey', () => {
    expect(aesKeyOf(AES_KEY).toString('hex')).toBe('8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760');
    expect(() => aesKeyOf('short')).toThrow(WecomCryptoError);
  });

  it('matches a vector computed independently from the documented algorithm', () => {
    expect(encryptMessage({ encodingAesKey: AES_KEY, message: MESSAGE, receiveId: CORP, random: RANDOM })).toBe(KNOWN_CIPHERTEXT);
    expect(decryptMessage(AES_KEY, KNOWN_CIPHERTEXT)).toEqual({ message: MESSAGE, receiveId: CORP });
    expect(signatureOf({ token: 'QDG6eK', timestamp: '1409659813', nonce: '1372623149', encrypted: KNOWN_CIPHERTEXT })).toBe(KNOWN_SIGNATURE);
  });

  it('opens the URL-verification sample of WeCom\'s own documentation (encrypted by WeCom, not by us)', () => {
    const echostr = 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==';
    expect(signatureMatches({ token: 'QDG6eK', timestamp: '1409659589', nonce: '263014780', encrypted: echostr, signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3' })).toBe(true);
    expect(decryptFor({ encodingAesKey: AES_KEY, encrypted: echostr, receiveId: CORP })).toBe('1616140317555161061');
  });

  it('round-trips any text, including Chinese and emoji, with random prefixes', () => {
    for (const message of ['', 'a', '审批通过 ✅ 😀', 'x'.repeat(4000)]) {
      const encrypted = encryptMessage({ encodingAesKey: AES_KEY, message, receiveId: CORP });
      expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
      expect(decryptFor({ encodingAesKey: AES_KEY, encrypted, receiveId: CORP })).toBe(message);
    }
  });

  it('refuses another receiveid, a foreign key and broken ciphertext', () => {
    const encrypted = encryptMessage({ encodingAesKey: AES_KEY, message: 'hi', receiveId: 'wwother' });
    expect(() => decryptFor({ encodingAesKey: AES_KEY, encrypted, receiveId: CORP })).toThrow(expect.objectContaining({ reason: 'bad_receive_id' }));
    const otherKey = randomBytes(32).toString('base64').slice(0, 43).replace(/[+/]/g, 'a');
    // A wrong key yields garbage: almost always bad padding, otherwise a bad length or receiveid.
    expect(() => decryptFor({ encodingAesKey: otherKey, encrypted: KNOWN_CIPHERTEXT, receiveId: CORP })).toThrow(WecomCryptoError);
    expect(() => decryptMessage(AES_KEY, 'not base64!')).toThrow(expect.objectContaining({ reason: 'bad_ciphertext' }));
    expect(() => decryptMessage(AES_KEY, Buffer.alloc(31).toString('base64'))).toThrow(expect.objectContaining({ reason: 'bad_ciphertext' }));
  });

  it('pads to 32-byte blocks and checks every pad byte', () => {
    expect(pkcs7Pad(Buffer.alloc(32)).length).toBe(64);
    expect(pkcs7Pad(Buffer.alloc(33)).length).toBe(64);
    expect(pkcs7Unpad(pkcs7Pad(Buffer.from('abc'))).toString()).toBe('abc');
    const forged = pkcs7Pad(Buffer.from('abc'));
    forged[forged.length - 2] = 0;
    expect(() => pkcs7Unpad(forged)).toThrow(expect.objectContaining({ reason: 'bad_padding' }));
    expect(() => pkcs7Unpad(Buffer.from([1, 2, 33]))).toThrow(expect.objectContaining({ reason: 'bad_padding' }));
  });

  it('compares signatures in constant time and rejects any other value', () => {
    const parts = { token: 'QDG6eK', timestamp: '1409659813', nonce: '1372623149', encrypted: KNOWN_CIPHERTEXT };
    expect(signatureMatches({ ...parts, signature: KNOWN_SIGNATURE })).toBe(true);
    expect(signatureMatches({ ...parts, signature: KNOWN_SIGNATURE.toUpperCase() })).toBe(true);
    expect(signatureMatches({ ...parts, signature: KNOWN_SIGNATURE.slice(0, 39) })).toBe(false);
    expect(signatureMatches({ ...parts, signature: `${KNOWN_SIGNATURE.slice(0, 39)}0` })).toBe(false);
    expect(signatureMatches({ ...parts, token: 'other', signature: KNOWN_SIGNATURE })).toBe(false);
  });
});
