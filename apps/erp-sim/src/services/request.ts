import { MsgCode, opError } from '../envelope';
import type { OpError } from '../envelope';

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a key exactly or, failing that, case-insensitively (K3 accepts either). */
export function pick(obj: Json, key: string): unknown {
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) if (k.toLowerCase() === lower) return obj[k];
  return undefined;
}

export function hasKey(obj: Json, key: string): boolean {
  return pick(obj, key) !== undefined;
}

/** Booleans arrive as JSON booleans or as the strings "true"/"false". */
export function asBool(value: unknown, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
  }
  return fallback;
}

export function asString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

export function asInt(value: unknown, fallback: number): number {
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  return typeof n === 'number' && Number.isFinite(n) ? Math.trunc(n) : fallback;
}

/** `Numbers` may be an array or a comma-separated string; `Ids` usually a comma-separated string. */
export function asList(value: unknown): string[] {
  const parts = Array.isArray(value) ? value : typeof value === 'string' || typeof value === 'number' ? String(value).split(',') : [];
  return parts.map((p) => asString(p)?.trim() ?? '').filter((p) => p !== '');
}

/** Some clients send `data` as a JSON string rather than an object. */
function dataObject(value: unknown): Json | null {
  if (isObject(value)) return value;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return isObject(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }
  return null;
}

export interface WriteRequest {
  formId: string;
  data: Json;
}

/** `{"formid","data"}`, or the older `{"parameters":[formid, data]}` envelope. */
export function writeRequest(body: unknown): WriteRequest | OpError {
  if (!isObject(body)) return opError(MsgCode.BadParameter, '请求参数格式错误');
  const params = pick(body, 'parameters');
  const formValue = Array.isArray(params) ? params[0] : pick(body, 'formid');
  const dataValue = Array.isArray(params) ? params[1] : pick(body, 'data');
  const formId = asString(formValue)?.trim() ?? '';
  if (formId === '') return opError(MsgCode.EmptyBillId, '表单标识(formid)不能为空');
  const data = dataObject(dataValue);
  if (!data) return opError(MsgCode.BadParameter, '参数 data 格式错误');
  return { formId, data };
}

/** `{"data":{FormId,…}}`, `{"parameters":[data]}`, or the query object itself. */
export function queryData(body: unknown): Json | OpError {
  if (!isObject(body)) return opError(MsgCode.BadParameter, '请求参数格式错误');
  const params = pick(body, 'parameters');
  const raw = Array.isArray(params) ? params[0] : hasKey(body, 'data') ? pick(body, 'data') : body;
  const data = dataObject(raw);
  if (!data) return opError(MsgCode.BadParameter, '参数 data 格式错误');
  return data;
}

export function isOpError(value: unknown): value is OpError {
  return isObject(value) && typeof value.code === 'number' && typeof value.message === 'string';
}

/** Parses a body leniently as JSON whatever the content type said; strips a UTF-8 BOM. */
export function parseBody(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  const trimmed = (text ?? '').replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch {
    return { ok: false };
  }
}
