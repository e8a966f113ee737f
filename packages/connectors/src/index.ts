// Public surface of @qiao/connectors. Test helpers live in '@qiao/connectors/testing'.
export { defineAction, defineConnector } from './kit/define-connector';
export type { Action, ActionDefinition, Connector, ConnectorDefinition, TestConnectionResult } from './kit/define-connector';
export { createActionContext, createConnectionContext, noopLogger } from './kit/context';
export type { ActionContext, ConnectionContext, CreateActionContextOptions, CreateConnectionContextOptions, Logger } from './kit/context';
export { createHttpClient, DEFAULT_MAX_RESPONSE_BYTES } from './kit/http-client';
export type { HttpClient, HttpRequest, HttpResponse, QueryValue } from './kit/http-client';
export { createSessionStore, processSessionStore } from './kit/session-store';
export type { SessionStore, SessionStoreOptions } from './kit/session-store';
export { ConnectorError, isConnectorError } from './kit/errors/connector-error';
export type { ConnectorErrorOptions } from './kit/errors/connector-error';
export { UserError, isUserError } from './kit/errors/user-error';
export type { UserErrorOptions } from './kit/errors/user-error';
export { toConnectorFailure } from './kit/errors/to-connector-failure';
export type { ConnectorFailure } from './kit/errors/to-connector-failure';
export { runAction } from './kit/run-action';
export type { RunActionOptions } from './kit/run-action';
export { nodeTypeOf, toNodeTypeDefinitions, createNodeTypeRegistry } from './kit/registry';
export type { ResolvedAction } from './kit/registry';
export { parseJsonLossless } from './kit/json';
export { toStorableJson, toStorableString } from './kit/storable-json';
export { endpointFields, publicSummary, secretFields, stripUrlSecrets } from './kit/credential-fields';
export type { PublicSummary } from './kit/credential-fields';
export { parseRetryAfter } from './kit/retry-after';
export { builtinConnectors, builtinOutboxChannels, getAction, getConnector, getOutboxChannel, nodeTypeRegistry } from './builtin';
export type { OutboxEntry, OutboxPort, OutboxReceipt } from './kit/outbox';
export type { OutboxChannel, OutboxLimits } from './kit/outbox-channel';
export { kingdee, kingdeeAuthSchema, derivedBillNo, MSG_CODES } from './kingdee';
export { filterEquals, filterLiteral } from './kingdee/query';
export type { KingdeeCredentials } from './kingdee';
export { http, httpAuthSchema } from './http';
export type { HttpCredentials } from './http';
export { wecom, wecomAuthSchema, robotKeyOf, DEFAULT_BASE_URL as WECOM_DEFAULT_BASE_URL, WECOM_ERRCODES } from './wecom';
export type { WecomCredentials } from './wecom';
export {
  aesKeyOf as wecomAesKeyOf, signatureOf as wecomSignatureOf, signatureMatches as wecomSignatureMatches, encryptMessage as wecomEncrypt,
  decryptMessage as wecomDecrypt, decryptFor as wecomDecryptFor, WecomCryptoError, parseXml, XmlError,
  openUrlVerification as openWecomUrlVerification, openEventPost as openWecomEventPost, buildSignedCallback as buildWecomCallback,
  buildUrlVerification as buildWecomUrlVerification, toWecomXml, toWecomCloudEvent, wecomEventId, wecomEventType, CALLBACK_MAX_BYTES as WECOM_CALLBACK_MAX_BYTES,
  CALLBACK_MAX_SKEW_SECONDS as WECOM_CALLBACK_MAX_SKEW_SECONDS,
} from './wecom';
export type { XmlObject, XmlValue, WecomCloudEvent, CallbackSecrets as WecomCallbackSecrets, CallbackFailure as WecomCallbackFailure, Opened as WecomOpened, SignedCallback as WecomSignedCallback } from './wecom';
export {
  dingtalk, dingtalkAuthSchema, appAuthSchema, robotAuthSchema, dingtalkRobotChannel, dingtalkEventToCloudEvent, buildSignedCallback, callbackSignature, decryptCallback,
  encryptCallback, encryptedSuccess, verifyCallbackSignature, CallbackCryptoError, robotSignature, robotMessageSchema, ROBOT_CHANNEL_ID,
} from './dingtalk';
export type { AppCredentials, DingtalkCredentials, DingtalkEventCloudEvent, RobotMessage, SignedCallback } from './dingtalk';
export { mqtt, mqttAuthSchema, parseSubscriptions, topicFilterProblem, brokerHost, forgetSession, openSubscriber, closePublishers, mqttError } from './mqtt';
export type { MqttCredentials, MqttSubscription, MqttInboundMessage, MqttSubscriber, SubscriberOptions, SubscriberState } from './mqtt';
