import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSignedCallback, openEventPost, openUrlVerification, toWecomXml } from './callback';
import { toWecomCloudEvent } from './callback-event';
import { WecomCryptoError, decryptMessage } from './crypto';
import { XmlError, parseXml } from './xml';

// Hostile input must come back as a refusal, never as an exception (which the server would turn into a 5xx).

const secrets = { token: 'FuzzToken', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'ww0123456789abcdef' };
const xmlish = fc.array(fc.constantFrom('<xml>', '</xml>', '<a>', '</a>', '<![CDATA[', ']]>', '&amp;', '&', '<!DOCTYPE', '<!--', '-->', '<?', '?>', '/>', ' a="1"', 'text', '\u0000', '中'), { maxLength: 40 }).map((parts) => parts.join(''));
const queryValue = fc.oneof(fc.string(), fc.constant(undefined), fc.array(fc.string(), { maxLength: 3 }), fc.stringMatching(/^[0-9a-f]{40}$/), fc.integer().map(String));

describe('callback fuzzing', () => {
  it('parseXml only ever throws XmlError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), xmlish), (text) => {
        try {
          parseXml(text);
        } catch (error) {
          expect(error).toBeInstanceOf(XmlError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decryptMessage only ever throws WecomCryptoError, whatever the ciphertext', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64')), fc.string()), (encrypted) => {
        try {
          decryptMessage(secrets.encodingAesKey, encrypted);
        } catch (error) {
          expect(error).toBeInstanceOf(WecomCryptoError);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('openEventPost and openUrlVerification refuse arbitrary requests without throwing', () => {
    fc.assert(
      fc.property(fc.record({ msg_signature: queryValue, timestamp: queryValue, nonce: queryValue, echostr: queryValue }), fc.oneof(fc.string(), xmlish), (query, body) => {
        expect(openEventPost(secrets, query, body).ok).toBe(false);
        expect(openUrlVerification(secrets, query).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('any correctly signed message either becomes a well-formed event or is refused, never throws', () => {
    const field = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,10}$/);
    fc.assert(
      fc.property(fc.dictionary(field, fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.dictionary(field, fc.string({ maxLength: 5 }), { maxKeys: 3 })), { maxKeys: 8 }), (fields) => {
        const signed = buildSignedCallback({ ...secrets, agentId: 1, message: toWecomXml(fields) });
        const opened = openEventPost(secrets, signed.query, signed.body);
        if (!opened.ok) return;
        const event = toWecomCloudEvent(opened.value, { corpId: secrets.corpId });
        if (event) expect(event.type).toMatch(/^com\.qiao\.wecom\.[a-z0-9_.]+$/);
      }),
      { numRuns: 500 },
    );
  });
});
