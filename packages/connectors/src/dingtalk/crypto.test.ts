import { describe, expect, it } from 'vitest';
import { buildSignedCallback, callbackSignature, CallbackCryptoError, decryptCallback, encryptCallback, encryptedSuccess, verifyCallbackSignature } from './callback-crypto';
import { robotSignature, robotSignQuery } from './sign';

// Known vectors computed with the openssl CLI from the documented algorithms (not with this code):
//   printf '1700000000000\nSEC0123456789abcdef' | openssl dgst -sha256 -hmac SEC0123456789abcdef -binary | base64
//   printf '1700000000000ENCnonce1tok' | openssl sha1          (sorted: "1700000000000" < "ENC" < "nonce1" < "tok")
//   openssl enc -aes-256-cbc -K <base64(aesKey+"=") as hex> -iv <its first 16 bytes> -nopad over
//     bytes 0..15 ‖ len BE ‖ {"EventType":"check_url"} ‖ dingowner ‖ PKCS#7 to 32
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const VECTOR_CIPHERTEXT = 'IG+0eOkLdhYW9kHtuT3HY8kWG8jbEE10nbJa8R2L8e4kC1V4zOoh2hLYmblXU14Mepo/18EdcpB2/MnpOg8PgA==';

describe('robot 加签', () => {
  it('matches the openssl vector', () => {
    expect(robotSignature('SEC0123456789abcdef', 1_700_000_000_000)).toBe('TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=');
  });

  it('is URL-encoded exactly once when put in the query', () => {
    const url = new URL('https://oapi.dingtalk.com/robot/send');
    for (const [k, v] of Object.entries(robotSignQuery('SEC0123456789abcdef', 1_700_000_000_000))) url.searchParams.set(k, v);
    expect(url.search).toContain('sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D');
    expect(url.searchParams.get('sign')).toBe('TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=');
    expect(url.searchParams.get('timestamp')).toBe('1700000000000');
  });
});

describe('callback crypto', () => {
  it('signs the sorted parts (openssl vector) and verifies in constant time', () => {
    const parts = { token: 'tok', timestamp: '1700000000000', nonce: 'nonce1', encrypt: 'ENC' };
    expect(callbackSignature(parts)).toBe('387afa147bbb85979dbc9fb8936c28abbe3e9f62');
    expect(verifyCallbackSignature({ ...parts, signature: '387afa147bbb85979dbc9fb8936c28abbe3e9f62' })).toBe(true);
    expect(verifyCallbackSignature({ ...parts, signature: '387afa147bbb85979dbc9fb8936c28abbe3e9f63' })).toBe(false);
    expect(verifyCallbackSignature({ ...parts, signature: 'short' })).toBe(false);
  });

  it('encrypts to the openssl vector with a fixed random prefix, and decrypts it', () => {
    const random = Buffer.from(Array.from({ length: 16 }, (_, i) => i));
    expect(encryptCallback({ aesKey: AES_KEY, ownerKey: 'dingowner', message: '{"EventType":"check_url"}', random })).toBe(VECTOR_CIPHERTEXT);
    expect(decryptCallback({ aesKey: AES_KEY, ownerKey: 'dingowner', encrypt: VECTOR_CIPHERTEXT })).toBe('{"EventType":"check_url"}');
  });

  it('round-trips any message, including multi-byte text and a length on a block boundary', () => {
    for (const message of ['', 'success', '审批通过 ✅', 'x'.repeat(12), 'y'.repeat(1000)]) {
      const encrypt = encryptCallback({ aesKey: AES_KEY, ownerKey: 'ding123', message });
      expect(Buffer.from(encrypt, 'base64').length % 32).toBe(0);
      expect(decryptCallback({ aesKey: AES_KEY, ownerKey: 'ding123', encrypt })).toBe(message);
    }
  });

  it('refuses another owner key, garbage and a wrong AES key', () => {
    const encrypt = encryptCallback({ aesKey: AES_KEY, ownerKey: 'ding123', message: 'hi' });
    expect(() => decryptCallback({ aesKey: AES_KEY, ownerKey: 'ding124', encrypt })).toThrow(expect.objectContaining({ code: 'wrong_owner' }) as Error);
    expect(() => decryptCallback({ aesKey: AES_KEY, ownerKey: 'ding123', encrypt: 'not base64 at all!' })).toThrow(CallbackCryptoError);
    expect(() => decryptCallback({ aesKey: 'Z'.repeat(43), ownerKey: 'ding123', encrypt })).toThrow(CallbackCryptoError);
    expect(() => decryptCallback({ aesKey: 'short', ownerKey: 'ding123', encrypt })).toThrow(expect.objectContaining({ code: 'bad_aes_key' }) as Error);
  });

  it('builds a request whose signature verifies, and a success reply that decrypts to "success"', () => {
    const signed = buildSignedCallback({ token: 't', aesKey: AES_KEY, ownerKey: 'app', message: '{"a":1}', timestamp: '1', nonce: 'n' });
    expect(verifyCallbackSignature({ token: 't', timestamp: '1', nonce: 'n', encrypt: signed.body.encrypt, signature: signed.query.signature })).toBe(true);
    const reply = encryptedSuccess({ token: 't', aesKey: AES_KEY, ownerKey: 'app' });
    expect(verifyCallbackSignature({ token: 't', timestamp: reply.timeStamp, nonce: reply.nonce, encrypt: reply.encrypt, signature: reply.msg_signature })).toBe(true);
    expect(decryptCallback({ aesKey: AES_KEY, ownerKey: 'app', encrypt: reply.encrypt })).toBe('success');
  });
});
