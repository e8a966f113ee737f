import { createHttpClient, type HttpClient } from './http-client';
import type { OutboxPort } from './outbox';
import { processSessionStore, type SessionStore } from './session-store';

export interface Logger {
  debug(msg: string, data?: object): void;
  info(msg: string, data?: object): void;
  warn(msg: string, data?: object): void;
  error(msg: string, data?: object): void;
}

export const noopLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What testConnection gets: everything about the connection, nothing about a step. */
export interface ConnectionContext<TCredentials = unknown> {
  /** Already parsed by the connector's auth schema. */
  credentials: TCredentials;
  connectionId: string;
  logger: Logger;
  /** Aborted when the step is cancelled or the worker shuts down. */
  signal: AbortSignal;
  http: HttpClient;
  sessions: SessionStore;
}

/** The one argument an action gets besides its input. Never `this`. */
export interface ActionContext<TCredentials = unknown> extends ConnectionContext<TCredentials> {
  /** Stable across retries of the same step; derived by the runtime from run, node and scope. */
  idempotencyKey: string;
  /** 1 on the first try; any re-execution that may follow a side effect must be > 1. */
  attempt: number;
  /** The runtime's durable outbox for rate-limited sends; absent outside the worker (tests, previews). */
  outbox?: OutboxPort;
}

export interface CreateConnectionContextOptions<TCredentials> {
  credentials: TCredentials;
  connectionId: string;
  signal?: AbortSignal;
  logger?: Logger;
  http?: HttpClient;
  /** Defaults to the process-wide store, so sessions are reused across steps. */
  sessions?: SessionStore;
}

export interface CreateActionContextOptions<TCredentials> extends CreateConnectionContextOptions<TCredentials> {
  idempotencyKey: string;
  attempt: number;
  outbox?: OutboxPort;
}

const sharedHttpClient = createHttpClient();

export function createConnectionContext<TCredentials>(
  options: CreateConnectionContextOptions<TCredentials>,
): ConnectionContext<TCredentials> {
  return {
    credentials: options.credentials,
    connectionId: options.connectionId,
    logger: options.logger ?? noopLogger,
    signal: options.signal ?? new AbortController().signal,
    http: options.http ?? sharedHttpClient,
    sessions: options.sessions ?? processSessionStore,
  };
}

export function createActionContext<TCredentials>(
  options: CreateActionContextOptions<TCredentials>,
): ActionContext<TCredentials> {
  // A missing key would make unrelated steps look like retries of each other: refuse it.
  if (options.idempotencyKey.trim() === '') throw new Error('createActionContext: idempotencyKey must not be empty');
  if (!Number.isInteger(options.attempt) || options.attempt < 1) {
    throw new Error(`createActionContext: attempt must be an integer >= 1, got ${options.attempt}`);
  }
  const context: ActionContext<TCredentials> = { ...createConnectionContext(options), idempotencyKey: options.idempotencyKey, attempt: options.attempt };
  if (options.outbox) context.outbox = options.outbox;
  return context;
}
