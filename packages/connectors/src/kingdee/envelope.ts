import { z } from 'zod';
import { ConnectorError } from '../kit/errors/connector-error';
import { MSG_CODES, SYSTEM, isRetryableMsgCode } from './errors';

/** Kingdee sends booleans as JSON booleans, but its templates (and some versions) as strings. */
const looseBoolean = z.union([z.boolean(), z.string(), z.number()]).transform((v) => v === true || v === 1 || String(v).toLowerCase() === 'true');
const looseText = z.union([z.string(), z.number()]).nullish().transform((v) => (v === null || v === undefined ? undefined : String(v)));
const looseInt = z.union([z.number(), z.string()]).nullish().transform((v) => {
  if (v === null || v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
});

const messageSchema = z.looseObject({ FieldName: looseText, Message: looseText, DIndex: looseInt });
const entitySchema = z.looseObject({ Id: looseText, Number: looseText, DIndex: looseInt });

const responseStatusSchema = z.looseObject({
  ErrorCode: looseText,
  IsSuccess: looseBoolean.optional(),
  MsgCode: looseInt,
  Errors: z.array(messageSchema).nullish(),
  SuccessEntitys: z.array(entitySchema).nullish(),
  SuccessMessages: z.array(messageSchema).nullish(),
});

const envelopeSchema = z.looseObject({
  Result: z.looseObject({
    ResponseStatus: responseStatusSchema.nullish(),
    Id: looseText,
    Number: looseText,
    /** View puts the bill here. */
    Result: z.unknown().optional(),
    NeedReturnData: z.unknown().optional(),
  }),
});

export interface KingdeeMessage {
  fieldName?: string;
  message: string;
  dIndex?: number;
}

export interface KingdeeEnvelope {
  isSuccess: boolean;
  msgCode: number | undefined;
  errorCode: string | undefined;
  errors: KingdeeMessage[];
  successEntities: { id: string; number: string; dIndex?: number }[];
  id: string | undefined;
  number: string | undefined;
  result: unknown;
  needReturnData: unknown;
  raw: unknown;
}

/**
 * Finds the envelope in a body: the plain form, or the one ExecuteBillQuery nests in its 2-D
 * array (`[[{"Result":{"ResponseStatus":…}}]]`). Undefined when there is none.
 */
export function readEnvelope(body: unknown): KingdeeEnvelope | undefined {
  const candidate = Array.isArray(body) ? nestedCandidate(body) : body;
  const parsed = envelopeSchema.safeParse(candidate);
  if (!parsed.success) return undefined;
  const { Result } = parsed.data;
  const status = Result.ResponseStatus;
  const errors = (status?.Errors ?? []).map(toMessage);
  return {
    // A View answer may carry no ResponseStatus at all; then the bill's presence is the success.
    isSuccess: status?.IsSuccess ?? (status === undefined || status === null ? Result.Result !== undefined : errors.length === 0),
    msgCode: status?.MsgCode,
    errorCode: status?.ErrorCode,
    errors,
    successEntities: (status?.SuccessEntitys ?? []).flatMap((e) =>
      e.Id !== undefined || e.Number !== undefined ? [{ id: e.Id ?? '', number: e.Number ?? '', ...(e.DIndex === undefined ? {} : { dIndex: e.DIndex }) }] : [],
    ),
    id: Result.Id,
    number: Result.Number,
    result: Result.Result,
    needReturnData: Result.NeedReturnData,
    raw: body,
  };
}

function nestedCandidate(body: unknown[]): unknown {
  const row: unknown = body[0];
  if (body.length !== 1 || !Array.isArray(row) || row.length !== 1) return undefined;
  return row[0];
}

function toMessage(m: z.output<typeof messageSchema>): KingdeeMessage {
  const out: KingdeeMessage = { message: m.Message ?? '' };
  if (m.FieldName) out.fieldName = m.FieldName;
  if (m.DIndex !== undefined) out.dIndex = m.DIndex;
  return out;
}

const SESSION_LOST_TEXT = /会话信息已丢失|上下文丢失|session (information )?(has been |was |is )?lost|context (has been |was |is )?lost/i;

/** Session lost is not an HTTP 401 in Kingdee: it is a failed envelope with MsgCode 1 or this text. */
export function isSessionLost(body: unknown): boolean {
  const envelope = readEnvelope(body);
  if (!envelope || envelope.isSuccess) return false;
  return envelope.msgCode === 1 || envelope.errors.some((e) => SESSION_LOST_TEXT.test(e.message));
}

/** Turns a failed envelope into the ConnectorError the runtime acts on. */
export function envelopeError(envelope: KingdeeEnvelope, operation: string): ConnectorError {
  const msgCode = envelope.msgCode ?? 0;
  const messages = envelope.errors.map((e) => (e.fieldName ? `${e.fieldName}: ${e.message}` : e.message)).filter((m) => m !== '');
  const meaning = MSG_CODES[msgCode]?.meaning ?? 'unknown code';
  return new ConnectorError({
    system: SYSTEM,
    code: `k3_${msgCode}`,
    message: `Kingdee ${operation} failed (MsgCode ${msgCode}, ${meaning}): ${messages.join('; ') || 'no message'}`,
    retryable: isRetryableMsgCode(msgCode),
    detail: { msgCode, errorCode: envelope.errorCode, errors: envelope.errors, body: envelope.raw },
  });
}

/** The envelope, success or not; throws only when there is none (a bad response). */
export function requireEnvelope(body: unknown, operation: string): KingdeeEnvelope {
  const envelope = readEnvelope(body);
  if (envelope) return envelope;
  throw new ConnectorError({
    system: SYSTEM,
    code: 'bad_response',
    message: `Kingdee ${operation} answered without a result envelope`,
    retryable: false,
    detail: { body },
  });
}

/** Envelope of a successful call, or throws the classified error. */
export function expectSuccess(body: unknown, operation: string): KingdeeEnvelope {
  const envelope = requireEnvelope(body, operation);
  if (!envelope.isSuccess) throw envelopeError(envelope, operation);
  return envelope;
}
