import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DATA_CENTER, DEMO_USER } from '../seed-data';
import { createSimulator } from '../simulator';
import type { Simulator, SimulatorOptions } from '../simulator';

// Shared by the integration tests: a throwaway database per test file and a minimal K3 HTTP client.
// The client is written here on purpose; the simulator shares no code with the real connector.

const PG_SERVER = 'postgres://root@127.0.0.1:5432';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export function testDatabase(): TestDatabase {
  const name = `qiao_erpsim_test_${randomBytes(6).toString('hex')}`;
  return {
    url: `${PG_SERVER}/${name}`,
    drop: async () => {
      const admin = new pg.Client({ connectionString: `${PG_SERVER}/postgres` });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

export async function startSimulator(db: TestDatabase, options: Partial<SimulatorOptions> = {}): Promise<Simulator> {
  return createSimulator({ databaseUrl: db.url, ...options });
}

export const DF = (op: string): string => `Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.${op}`;
export const AUTH = (op: string): string => `Kingdee.BOS.WebApi.ServicesStub.AuthService.${op}`;

export interface CallResult {
  status: number;
  setCookies: string[];
  text: string;
  json: unknown;
}

export interface ResponseStatusJson {
  ErrorCode: number;
  IsSuccess: boolean;
  Errors: { FieldName: string | null; Message: string; DIndex: number }[];
  SuccessEntitys: { Id: number; Number: string; DIndex: number }[];
  SuccessMessages: unknown[];
  MsgCode: number;
}

export interface EnvelopeJson {
  Result: { ResponseStatus: ResponseStatusJson; Id: number | string; Number: string; NeedReturnData: Record<string, unknown>[] };
}

export interface LoginJson {
  Message: string | null;
  LoginResultType: number;
  KDSVCSessionId: string | null;
  IsSuccessByAPI: boolean;
  Lcid: number;
  Context: { SessionId: string; UserName: string; DBid: string } | null;
}

// Typed views of response bodies for assertions (the shapes are what the tests check).
export const envelopeOf = (r: CallResult): EnvelopeJson => r.json as EnvelopeJson;
export const statusOf = (r: CallResult): ResponseStatusJson => envelopeOf(r).Result.ResponseStatus;
export const loginOf = (r: CallResult): LoginJson => r.json as LoginJson;
export const rowsOf = (r: CallResult): unknown[][] => r.json as unknown[][];
export const numberOf = (r: CallResult): string => envelopeOf(r).Result.Number;

export interface CallOptions {
  /** Send the body verbatim (for malformed JSON and odd content types). */
  raw?: string;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Omit the session cookie this client holds. */
  noCookie?: boolean;
}

export class K3TestClient {
  cookie = '';
  sessionId = '';

  constructor(readonly baseUrl: string) {}

  async call(service: string, body: unknown, options: CallOptions = {}): Promise<CallResult> {
    const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers };
    if (this.cookie !== '' && !options.noCookie) headers.cookie = this.cookie;
    const response = await fetch(`${this.baseUrl}/k3cloud/${service}.common.kdsvc`, {
      method: 'POST',
      headers,
      body: options.raw ?? JSON.stringify(body),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, setCookies: response.headers.getSetCookie(), text, json };
  }

  async login(): Promise<CallResult> {
    const result = await this.call(AUTH('ValidateUser'), {
      acctID: DATA_CENTER.id,
      username: DEMO_USER.username,
      password: DEMO_USER.password,
      lcid: 2052,
    });
    const login = loginOf(result);
    if (login.LoginResultType !== 1) throw new Error(`login failed: ${result.text}`);
    this.cookie = result.setCookies.map((c) => c.split(';')[0]).join('; ');
    this.sessionId = login.KDSVCSessionId ?? '';
    return result;
  }

  save(formId: string, model: unknown, data: Record<string, unknown> = {}): Promise<CallResult> {
    return this.call(DF('Save'), { formid: formId, data: { ...data, Model: model } });
  }

  op(op: string, formId: string, data: Record<string, unknown>): Promise<CallResult> {
    return this.call(DF(op), { formid: formId, data });
  }

  async query(data: Record<string, unknown>): Promise<CallResult> {
    return this.call(DF('ExecuteBillQuery'), { data });
  }

  /** Save → Submit → Audit; returns the bill number. */
  async createAudited(formId: string, model: unknown): Promise<string> {
    const saved = await this.save(formId, model);
    if (!statusOf(saved).IsSuccess) throw new Error(`save failed: ${saved.text}`);
    const number = numberOf(saved);
    for (const op of ['Submit', 'Audit']) {
      const r = await this.op(op, formId, { Numbers: [number] });
      if (!statusOf(r).IsSuccess) throw new Error(`${op} failed: ${r.text}`);
    }
    return number;
  }
}

export function salesOrder(overrides: Record<string, unknown> = {}, entries?: unknown[]): Record<string, unknown> {
  return {
    FID: 0,
    FBillTypeID: { FNumber: 'XSDD01_SYS' },
    FBillNo: '',
    FDate: '2025-01-31',
    FSaleOrgId: { FNumber: '100' },
    FCustId: { FNumber: 'CUST0001' },
    FSalerId: { FNumber: '0002' },
    FSaleOrderFinance: { FSettleCurrId: { FNumber: 'PRE001' }, FIsIncludedTax: true, FExchangeRate: 1 },
    FSaleOrderEntry: entries ?? [
      { FMaterialId: { FNumber: '01.001' }, FUnitID: { FNumber: 'Pcs' }, FQty: 10, FTaxPrice: 113, FEntryTaxRate: 13, FDeliveryDate: '2025-02-10' },
    ],
    ...overrides,
  };
}

export async function sim<T = Record<string, unknown>>(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const response = await fetch(`${baseUrl}/__sim/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  const text = await response.text();
  return { status: response.status, json: (text === '' ? null : JSON.parse(text)) as T };
}
