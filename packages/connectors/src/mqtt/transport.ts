import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { ConnectorError } from '../kit/errors/connector-error';
import { brokerHost, type MqttCredentials } from './auth';

export interface ClientSettings {
  clientId: string;
  /** false keeps the broker session (subscriptions and queued QoS 1 messages) across disconnects. */
  clean: boolean;
  /** 0 = never reconnect by itself (the caller decides). */
  reconnectPeriodMs: number;
}

/** mqtt.js options for a connection; TLS material only for mqtts://. */
export function clientOptions(credentials: MqttCredentials, settings: ClientSettings): IClientOptions {
  const options: IClientOptions = {
    clientId: settings.clientId,
    clean: settings.clean,
    protocolVersion: credentials.protocolVersion === '5' ? 5 : 4,
    keepalive: credentials.keepaliveSeconds,
    connectTimeout: credentials.connectTimeoutMs,
    reconnectPeriod: settings.reconnectPeriodMs,
    // A long-lived subscriber keeps trying after a refusal (wrong password fixed on the broker, broker busy).
    reconnectOnConnackError: settings.reconnectPeriodMs > 0,
    // Subscriptions are made by the caller on every (re)connect, so a changed list takes effect.
    resubscribe: false,
    queueQoSZero: false,
  };
  if (credentials.protocolVersion === '5' && !settings.clean) options.properties = { sessionExpiryInterval: 7 * 24 * 3600 };
  if (credentials.username) options.username = credentials.username;
  if (credentials.password) options.password = credentials.password;
  if (credentials.brokerUrl.toLowerCase().startsWith('mqtts:')) {
    options.rejectUnauthorized = credentials.tlsRejectUnauthorized;
    if (credentials.tlsCa) options.ca = credentials.tlsCa;
    if (credentials.tlsCert) options.cert = credentials.tlsCert;
    if (credentials.tlsKey) options.key = credentials.tlsKey;
  }
  return options;
}

/** Connects once (no automatic retries) and turns any failure into a ConnectorError that says what failed. */
export async function connectOnce(credentials: MqttCredentials, settings: Omit<ClientSettings, 'reconnectPeriodMs'>, signal?: AbortSignal): Promise<MqttClient> {
  if (signal?.aborted) throw abortedError(credentials);
  try {
    const connecting = connectAsync(credentials.brokerUrl, clientOptions(credentials, { ...settings, reconnectPeriodMs: 0 }), false);
    if (!signal) return await connecting;
    return await new Promise<MqttClient>((resolve, reject) => {
      const onAbort = () => {
        reject(abortedError(credentials));
        void connecting.then((client) => client.end(true), () => undefined);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      connecting.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  } catch (err) {
    throw mqttError(err, credentials);
  }
}

function abortedError(credentials: MqttCredentials): ConnectorError {
  return new ConnectorError({ system: 'mqtt', code: 'aborted', message: `Connecting to ${brokerHost(credentials)} was cancelled.`, retryable: true });
}

/** CONNACK return codes of MQTT 3.1.1 (§3.2.2.3) and reason codes of MQTT 5 (§3.2.2.2). */
const CONNACK: Record<number, { code: string; text: string; retryable: boolean }> = {
  1: { code: 'unacceptable_protocol', text: 'does not accept this MQTT protocol version (CONNACK 1); try the other protocol version', retryable: false },
  2: { code: 'client_id_rejected', text: 'rejected the client id (CONNACK 2); check the client id prefix', retryable: false },
  3: { code: 'server_unavailable', text: 'is unavailable (CONNACK 3)', retryable: true },
  4: { code: 'bad_credentials', text: 'refused the user name or password (CONNACK 4)', retryable: false },
  5: { code: 'not_authorized', text: 'refused the connection: not authorized (CONNACK 5)', retryable: false },
  128: { code: 'unspecified_error', text: 'refused the connection: unspecified error (reason 0x80)', retryable: true },
  132: { code: 'unacceptable_protocol', text: 'does not accept this MQTT protocol version (reason 0x84)', retryable: false },
  133: { code: 'client_id_rejected', text: 'rejected the client id (reason 0x85)', retryable: false },
  134: { code: 'bad_credentials', text: 'refused the user name or password (reason 0x86)', retryable: false },
  135: { code: 'not_authorized', text: 'refused the connection: not authorized (reason 0x87)', retryable: false },
  136: { code: 'server_unavailable', text: 'is unavailable (reason 0x88)', retryable: true },
  137: { code: 'server_busy', text: 'is busy (reason 0x89)', retryable: true },
  138: { code: 'banned', text: 'has banned this client (reason 0x8A)', retryable: false },
  140: { code: 'bad_auth_method', text: 'does not support this authentication method (reason 0x8C)', retryable: false },
  151: { code: 'quota_exceeded', text: 'reports a quota exceeded (reason 0x97)', retryable: true },
};

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'refused the connection (nothing listens on that port)',
  ENOTFOUND: 'is unknown (DNS lookup failed)',
  EAI_AGAIN: 'could not be resolved (DNS temporarily failed)',
  ETIMEDOUT: 'did not answer (timed out)',
  EHOSTUNREACH: 'is unreachable',
  ENETUNREACH: 'is on an unreachable network',
  ECONNRESET: 'closed the connection during the handshake (a TLS port spoken to without TLS, or plain MQTT sent to a TLS port?)',
  EPIPE: 'closed the connection',
};

/** Any failure of mqtt.js or the socket → a ConnectorError naming the broker and what failed. */
export function mqttError(err: unknown, credentials: Pick<MqttCredentials, 'brokerUrl'>): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const host = brokerHost(credentials);
  const e: Error & { code?: unknown } = err instanceof Error ? err : new Error(String(err));
  const code = e.code;
  if (typeof code === 'number' && CONNACK[code]) {
    const known = CONNACK[code];
    return new ConnectorError({ system: 'mqtt', code: known.code, message: `The broker ${host} ${known.text}.`, retryable: known.retryable, detail: { connackCode: code }, cause: err });
  }
  if (typeof code === 'number') {
    return new ConnectorError({ system: 'mqtt', code: `connack_${code}`, message: `The broker ${host} refused the connection (code ${code}: ${e.message}).`, retryable: false, detail: { connackCode: code }, cause: err });
  }
  if (typeof code === 'string' && NETWORK[code]) {
    return new ConnectorError({ system: 'mqtt', code: 'network', message: `The broker ${host} ${NETWORK[code]} [${code}].`, retryable: true, detail: { errno: code }, cause: err });
  }
  if (typeof code === 'string' && (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_OSSL)/.test(code) || /certificate|ssl|tls/i.test(e.message))) {
    return new ConnectorError({ system: 'mqtt', code: 'tls', message: `TLS with ${host} failed: ${e.message} [${code}]. Check the CA bundle, the client certificate and key, and that the URL uses the broker's TLS port.`, retryable: false, detail: { errno: code }, cause: err });
  }
  if (/connack timeout|timeout/i.test(e.message)) {
    return new ConnectorError({ system: 'mqtt', code: 'timeout', message: `The broker ${host} did not complete the MQTT handshake in time (${e.message}).`, retryable: true, cause: err });
  }
  return new ConnectorError({ system: 'mqtt', code: 'network', message: `Connecting to the broker ${host} failed: ${e.message}${typeof code === 'string' ? ` [${code}]` : ''}.`, retryable: true, cause: err });
}
