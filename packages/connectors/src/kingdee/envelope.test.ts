import { describe, expect, it } from 'vitest';
import { envelopeError, isSessionLost, readEnvelope } from './envelope';

const failed = (msgCode: number | string, isSuccess: boolean | string = false) => ({
  Result: {
    ResponseStatus: {
      ErrorCode: 500,
      IsSuccess: isSuccess,
      MsgCode: msgCode,
      Errors: [{ FieldName: 'FCustId', Message: '客户不存在', DIndex: 0 }, { FieldName: null, Message: '第二条', DIndex: 0 }],
      SuccessEntitys: [],
    },
  },
});

describe('readEnvelope', () => {
  it.each([
    [true, true],
    ['true', true],
    ['True', true],
    [false, false],
    ['false', false],
  ])('reads IsSuccess %j as %s', (raw, expected) => {
    expect(readEnvelope({ Result: { ResponseStatus: { IsSuccess: raw, SuccessEntitys: [{ Id: 1, Number: 'A', DIndex: 0 }] } } })?.isSuccess).toBe(expected);
  });

  it('turns ids into strings and keeps DIndex', () => {
    const envelope = readEnvelope({ Result: { ResponseStatus: { IsSuccess: true, SuccessEntitys: [{ Id: 100123, Number: 'XSDD001', DIndex: 2 }] }, Id: 100123 } });
    expect(envelope?.successEntities).toEqual([{ id: '100123', number: 'XSDD001', dIndex: 2 }]);
    expect(envelope?.id).toBe('100123');
  });

  it('treats a View answer without ResponseStatus but with a bill as success', () => {
    expect(readEnvelope({ Result: { ResponseStatus: null, Result: { Id: 1 } } })?.isSuccess).toBe(true);
  });

  it('finds the envelope nested in a query answer, and ignores plain rows', () => {
    expect(readEnvelope([[failed(1)]])?.msgCode).toBe(1);
    expect(readEnvelope([['XSDD001', 'C']])).toBeUndefined();
    expect(readEnvelope([])).toBeUndefined();
  });
});

describe('isSessionLost', () => {
  it('is MsgCode 1 or the documented message, only on failure', () => {
    expect(isSessionLost(failed(1))).toBe(true);
    expect(isSessionLost(failed('1', 'false'))).toBe(true);
    expect(isSessionLost({ Result: { ResponseStatus: { IsSuccess: false, MsgCode: 0, Errors: [{ Message: '会话信息已丢失，请重新登录' }] } } })).toBe(true);
    expect(isSessionLost([[{ Result: { ResponseStatus: { ErrorCode: 500, IsSuccess: false, Errors: [{ Message: '会话信息已丢失，请重新登录' }] } } }]])).toBe(true);
    expect(isSessionLost(failed(11))).toBe(false);
    expect(isSessionLost({ Result: { ResponseStatus: { IsSuccess: true, MsgCode: 1 } } })).toBe(false);
    expect(isSessionLost([['会话信息已丢失']])).toBe(false);
  });
});

describe('envelopeError', () => {
  it.each([
    [1, true],
    [4, true],
    [6, true],
    [13, true],
    [14, true],
    [0, false],
    [2, false],
    [7, false],
    [8, false],
    [9, false],
    [10, false],
    [11, false],
    [12, false],
    [15, false],
    [99, false],
  ])('MsgCode %i → retryable %s', (msgCode, retryable) => {
    const envelope = readEnvelope(failed(msgCode));
    if (!envelope) throw new Error('no envelope');
    const error = envelopeError(envelope, 'Save SAL_SaleOrder');
    expect(error.code).toBe(`k3_${msgCode}`);
    expect(error.retryable).toBe(retryable);
  });

  it('carries MsgCode and every message with its field in detail and message', () => {
    const envelope = readEnvelope(failed('11', 'false'));
    if (!envelope) throw new Error('no envelope');
    const error = envelopeError(envelope, 'Save SAL_SaleOrder');
    expect(error.message).toContain('FCustId: 客户不存在');
    expect(error.message).toContain('第二条');
    expect(error.detail).toMatchObject({
      msgCode: 11,
      errors: [{ fieldName: 'FCustId', message: '客户不存在', dIndex: 0 }, { message: '第二条', dIndex: 0 }],
    });
  });
});
