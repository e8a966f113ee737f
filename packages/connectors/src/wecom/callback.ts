import { randomBytes } from 'node:crypto';
import { WecomCryptoError, decryptFor, encryptMessage, signatureMatches, signatureOf } from './crypto';
import { XmlError, parseXml, textOf, type XmlObject } from './xml';

/**
 * Opening WeCom callbacks: URL verification (GET with echostr) and encrypted event POSTs. Pure
 * functions; the server route only maps the outcome to HTTP. A failure names its reason for the
 * log, never for the caller.
 */

export interface CallbackSecrets {
  token: string;
  encodingAesKey: string;
  /** The receiveid every message must carry: the corp id for a self-built app. */
  corpId: string;
}

export interface CallbackQuery {
  msg_signature?: unknown;
  timestamp?: unknown;
  nonce?: unknown;
  echostr?: unknown;
}

export type CallbackFailure =
  | 'missing_parameter'
  | 'stale_timestamp'
  | 'bad_signature'
  | 'bad_body'
  | 'bad_xml'
  | 'bad_key'
  | 'bad_ciphertext'
  | 'bad_padding'
  | 'bad_length'
  | 'bad_receive_id';

export type Opened<T> = { ok: true; value: T } | { ok: false; reason: CallbackFailure; message: string };

/** WeCom's own clock and ours may differ a little; a request older than this is refused as a replay. */
export const CALLBACK_MAX_SKEW_SECONDS = 300;
/** Real callbacks are a few KiB (a long approval trail some tens); the route refuses larger bodies with 413. */
export const CALLBACK_MAX_BYTES = 256 * 1024;

function fail<T>(reason: CallbackFailure, message: string): Opened<T> {
  return { ok: false, reason, message };
}

function checkQuery(query: CallbackQuery, now: number): Opened<{ signature: string; timestamp: string; nonce: string }> {
  const { msg_signature: signature, timestamp, nonce } = query;
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{40}$/.test(signature)) return fail('missing_parameter', 'msg_signature is missing or not 40 hex digits');
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return fail('missing_parameter', 'timestamp is missing or not a number');
  if (typeof nonce !== 'string' || nonce.length === 0 || nonce.length > 64) return fail('missing_parameter', 'nonce is missing or too long');
  if (Math.abs(now / 1000 - Number(timestamp)) > CALLBACK_MAX_SKEW_SECONDS) return fail('stale_timestamp', `timestamp is more than ${CALLBACK_MAX_SKEW_SECONDS} s away from now`);
  return { ok: true, value: { signature, timestamp, nonce } };
}

function open(secrets: CallbackSecrets, encrypted: string, parts: { signature: string; timestamp: string; nonce: string }): Opened<string> {
  if (!signatureMatches({ token: secrets.token, timestamp: parts.timestamp, nonce: parts.nonce, encrypted, signature: parts.signature })) {
    return fail('bad_signature', 'msg_signature does not match');
  }
  try {
    return { ok: true, value: decryptFor({ encodingAesKey: secrets.encodingAesKey, encrypted, receiveId: secrets.corpId }) };
  } catch (error) {
    if (error instanceof WecomCryptoError) return fail(error.reason, error.message);
    throw error;
  }
}

/** GET …?msg_signature&timestamp&nonce&echostr → the plaintext to answer with. */
export function openUrlVerification(secrets: CallbackSecrets, query: CallbackQuery, now = Date.now()): Opened<string> {
  const checked = checkQuery(query, now);
  if (!checked.ok) return checked;
  if (typeof query.echostr !== 'string' || query.echostr.length === 0 || query.echostr.length > 1024) return fail('missing_parameter', 'echostr is missing or too long');
  return open(secrets, query.echostr, checked.value);
}

/** POST: verifies and decrypts the <Encrypt> element; returns the inner message's root element. */
export function openEventPost(secrets: CallbackSecrets, query: CallbackQuery, body: string, now = Date.now()): Opened<XmlObject> {
  const checked = checkQuery(query, now);
  if (!checked.ok) return checked;
  if (Buffer.byteLength(body, 'utf8') > CALLBACK_MAX_BYTES) return fail('bad_body', `the body exceeds ${CALLBACK_MAX_BYTES} bytes`);
  const outer = parseRoot(body);
  if (!outer.ok) return outer;
  const encrypted = textOf(outer.value, 'Encrypt');
  if (!encrypted) return fail('bad_body', 'the body has no <Encrypt> element');
  const opened = open(secrets, encrypted, checked.value);
  if (!opened.ok) return opened;
  return parseRoot(opened.value);
}

function parseRoot(text: string): Opened<XmlObject> {
  try {
    const doc = parseXml(text, { maxBytes: CALLBACK_MAX_BYTES });
    const root = doc['xml'];
    if (typeof root !== 'object' || Array.isArray(root)) return fail('bad_xml', 'the root element must be <xml> with child elements');
    return { ok: true, value: root };
  } catch (error) {
    if (error instanceof XmlError) return fail('bad_xml', error.message);
    throw error;
  }
}

/** Flat fields as WeCom writes them: every value in CDATA. Nested objects become nested elements. */
export function toWecomXml(fields: Record<string, unknown>): string {
  const element = (name: string, value: unknown): string => {
    if (Array.isArray(value)) return value.map((item) => element(name, item)).join('');
    if (value !== null && typeof value === 'object') return `<${name}>${Object.entries(value).map(([k, v]) => element(k, v)).join('')}</${name}>`;
    return `<${name}><![CDATA[${String(value).replaceAll(']]>', ']]]]><![CDATA[>')}]]></${name}>`;
  };
  return `<xml>${Object.entries(fields).map(([k, v]) => element(k, v)).join('')}</xml>`;
}

export interface SignedCallbackOptions extends CallbackSecrets {
  agentId: number | string;
  /** The inner (plaintext) XML message. */
  message: string;
  /** Seconds since the epoch, as a string; now by default. */
  timestamp?: string;
  nonce?: string;
  /** The 16 random plaintext bytes (fixed in known-vector tests). */
  random?: Buffer;
}

export interface SignedCallback {
  query: { msg_signature: string; timestamp: string; nonce: string };
  /** The POST body: <xml><ToUserName/><AgentID/><Encrypt/></xml>. */
  body: string;
  encrypted: string;
}

/**
 * Builds a callback exactly as WeCom sends it: for tests, the fuzz harness and simulators.
 * Change one field of the result to get a forged request.
 */
export function buildSignedCallback(options: SignedCallbackOptions): SignedCallback {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  const encrypted = encryptMessage({ encodingAesKey: options.encodingAesKey, message: options.message, receiveId: options.corpId, ...(options.random ? { random: options.random } : {}) });
  const signature = signatureOf({ token: options.token, timestamp, nonce, encrypted });
  const body = toWecomXml({ ToUserName: options.corpId, AgentID: String(options.agentId), Encrypt: encrypted });
  return { query: { msg_signature: signature, timestamp, nonce }, body, encrypted };
}

/** The GET WeCom sends when the callback URL is saved: answer with `echo`. */
export function buildUrlVerification(options: CallbackSecrets & { echo: string; timestamp?: string; nonce?: string }): { query: SignedCallback['query'] & { echostr: string } } {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? randomBytes(8).toString('hex');
  const echostr = encryptMessage({ encodingAesKey: options.encodingAesKey, message: options.echo, receiveId: options.corpId });
  return { query: { msg_signature: signatureOf({ token: options.token, timestamp, nonce, encrypted: echostr }), timestamp, nonce, echostr } };
}
