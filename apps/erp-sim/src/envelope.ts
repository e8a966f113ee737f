import { SESSION_LOST_MESSAGE } from './seed-data';

// K3Cloud's business envelope. Failures are HTTP 200 with IsSuccess false; ErrorCode is 500 then, 0 otherwise.

export const MsgCode = {
  Default: 0,
  ContextLost: 1,
  NoPermission: 2,
  EmptyOperation: 3,
  Exception: 4,
  EmptyBillId: 5,
  DatabaseError: 6,
  Licence: 7,
  BadParameter: 8,
  FieldNotFound: 9,
  NotFound: 10,
  ValidationFailed: 11,
  NotAllowed: 12,
  NetworkLock: 13,
  CallLimit: 14,
  AdminLoginForbidden: 15,
} as const;
export type MsgCodeValue = (typeof MsgCode)[keyof typeof MsgCode];

export interface K3Error {
  FieldName: string | null;
  Message: string;
  DIndex: number;
}

export interface K3SuccessEntity {
  Id: number | string;
  Number: string;
  DIndex: number;
}

export interface K3ResponseStatus {
  ErrorCode: number;
  IsSuccess: boolean;
  Errors: K3Error[];
  SuccessEntitys: K3SuccessEntity[];
  SuccessMessages: K3Error[];
  MsgCode: number;
}

export interface K3Result {
  ResponseStatus: K3ResponseStatus;
  Id: number | string;
  Number: string;
  NeedReturnData: Record<string, unknown>[];
}

export interface K3Envelope {
  Result: K3Result;
}

/** A failure tied to one field/model, carried until the envelope is assembled. */
export interface OpError {
  code: MsgCodeValue;
  message: string;
  field?: string | null;
  dIndex?: number;
}

export function opError(code: MsgCodeValue, message: string, field?: string | null): OpError {
  return { code, message, field: field ?? null };
}

export interface EnvelopeParts {
  successes?: K3SuccessEntity[];
  errors?: OpError[];
  messages?: K3Error[];
  needReturnData?: Record<string, unknown>[];
}

export function envelope(parts: EnvelopeParts): K3Envelope {
  const successes = parts.successes ?? [];
  const errors = parts.errors ?? [];
  const first = successes[0];
  const firstError = errors[0];
  const ok = errors.length === 0;
  return {
    Result: {
      ResponseStatus: {
        ErrorCode: ok ? 0 : 500,
        IsSuccess: ok,
        Errors: errors.map((e) => ({ FieldName: e.field ?? null, Message: e.message, DIndex: e.dIndex ?? 0 })),
        SuccessEntitys: successes,
        SuccessMessages: parts.messages ?? [],
        MsgCode: firstError ? firstError.code : MsgCode.Default,
      },
      Id: first ? first.Id : '',
      Number: first ? first.Number : '',
      NeedReturnData: parts.needReturnData ?? [],
    },
  };
}

export function failure(code: MsgCodeValue, message: string, field?: string | null): K3Envelope {
  return envelope({ errors: [opError(code, message, field)] });
}

export function sessionLost(): K3Envelope {
  return failure(MsgCode.ContextLost, SESSION_LOST_MESSAGE);
}

/** Query services return a bare 2-D array, so their errors travel nested inside one: [[{Result:…}]]. */
export function nestedForQuery(env: K3Envelope): [[K3Envelope]] {
  return [[env]];
}
