/**
 * A minimal in-memory K3Cloud WebAPI for this package's tests: just enough protocol (login in both
 * body forms, cookie session, Save/Submit/Audit/UnAudit/View/ExecuteBillQuery/Push, the envelope)
 * plus fault injection. Written from the protocol notes, independently of apps/erp-sim.
 */
import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { sendJson, startTestServer, type ReceivedRequest, type TestServer } from '../../kit/testing';

export interface FakeAccount {
  acctId: string;
  username: string;
  password: string;
  appId: string;
  appSecret: string;
}

export interface FakeBill {
  formId: string;
  id: number;
  number: string;
  status: 'Z' | 'A' | 'B' | 'C' | 'D';
  model: Record<string, unknown>;
  srcBillNo?: string;
}

export type Fault =
  | { kind: 'status'; status: number; body?: string; headers?: Record<string, string> }
  | { kind: 'envelope'; msgCode: number; message: string; fieldName?: string }
  | { kind: 'sessionLost'; withMsgCode?: boolean }
  /** Carry out the operation, then drop the connection: the client never learns it succeeded. */
  | { kind: 'dropAfterCommit' }
  /** Never answer. */
  | { kind: 'hang' }
  /** Answer this body instead of doing anything. */
  | { kind: 'answer'; body: unknown };

export interface FakeCall {
  service: string;
  body: unknown;
  cookie: string | undefined;
  sessionHeader: string | undefined;
}

export interface FakeK3Cloud {
  /** serverUrl to put in the credentials, ends with /k3cloud/ */
  serverUrl: string;
  account: FakeAccount;
  calls: FakeCall[];
  bills: FakeBill[];
  logins: number;
  /** Makes every existing session invalid, as after Kingdee's idle timeout or a restart. */
  expireSessions(): void;
  /** The next call to `service` (short name, e.g. "Save", "ExecuteBillQuery", "ValidateUser") gets the fault. */
  failNext(service: string, fault: Fault, times?: number): void;
  /** IsSuccess is sent as the string "true"/"false" instead of a boolean. */
  stringBooleans: boolean;
  /** False: the numbering rule does not allow manual numbers, so Save ignores FBillNo and numbers the bill itself. */
  manualBillNo: boolean;
  callsTo(service: string): FakeCall[];
  close(): Promise<void>;
}

const SESSION_LOST = '会话信息已丢失，请重新登录';

export async function startFakeK3Cloud(account: Partial<FakeAccount> = {}): Promise<FakeK3Cloud> {
  const acct: FakeAccount = { acctId: 'DC001', username: 'api', password: 'secret', appId: '123456_abc', appSecret: 'app-secret', ...account };
  const sessions = new Set<string>();
  const faults = new Map<string, Fault[]>();
  let nextId = 100_000;
  let nextNumber = 1;

  const state = {
    calls: [] as FakeCall[],
    bills: [] as FakeBill[],
    logins: 0,
    stringBooleans: false,
    manualBillNo: true,
  };

  const bool = (b: boolean) => (state.stringBooleans ? String(b) : b);
  const envelope = (args: { ok: boolean; msgCode?: number; errors?: { FieldName?: string; Message: string }[]; entities?: FakeBill[]; extra?: object }) => ({
    Result: {
      ResponseStatus: {
        ErrorCode: args.ok ? 0 : 500,
        IsSuccess: bool(args.ok),
        Errors: (args.errors ?? []).map((e, i) => ({ FieldName: e.FieldName ?? '', Message: e.Message, DIndex: i })),
        SuccessEntitys: (args.entities ?? []).map((b, i) => ({ Id: b.id, Number: b.number, DIndex: i })),
        SuccessMessages: [],
        MsgCode: args.msgCode ?? 0,
      },
      Id: args.entities?.[0]?.id ?? '',
      Number: args.entities?.[0]?.number ?? '',
      NeedReturnData: [],
      ...args.extra,
    },
  });

  const findBill = (formId: string, number: string) => state.bills.find((b) => b.formId === formId && b.number === number);

  function handleLogin(kind: 'password' | 'appSecret', body: Record<string, unknown>, res: ServerResponse): void {
    state.logins += 1;
    // Both body forms, and both key spellings seen in the wild.
    const params = Array.isArray(body.parameters) ? body.parameters.map(String) : undefined;
    const acctId = params ? params[0] : String(body.acctID ?? body.acctId ?? '');
    const username = params ? params[1] : String(body.username ?? body.userName ?? '');
    const ok =
      acctId === acct.acctId &&
      username === acct.username &&
      (kind === 'password'
        ? (params ? params[2] : body.password) === acct.password
        : (params ? params[2] : (body.appid ?? body.appId)) === acct.appId && (params ? params[3] : (body.appsecret ?? body.appSecret)) === acct.appSecret);
    if (!ok) {
      const message = acctId !== acct.acctId ? `数据中心 ${acctId} 不存在` : '用户名或密码错误！';
      sendJson(res, 200, { Message: message, LoginResultType: 0, Context: null, KDSVCSessionId: null, IsSuccessByAPI: false });
      return;
    }
    const sessionId = randomUUID();
    sessions.add(sessionId);
    sendJson(
      res,
      200,
      {
        Message: null,
        LoginResultType: 1,
        Context: { SessionId: sessionId, UserId: 16394, UserName: acct.username, DBid: acct.acctId, DataCenterName: 'Demo Co.' },
        KDSVCSessionId: sessionId,
        Lcid: 2052,
        IsSuccessByAPI: true,
      },
      { 'set-cookie': [`kdservice-sessionid=${sessionId}; path=/k3cloud`, `ASP.NET_SessionId=asp-${sessionId}; path=/; HttpOnly`] },
    );
  }

  function query(data: Record<string, unknown>): unknown[][] {
    const formId = String(data.FormId);
    const fields = String(data.FieldKeys).split(',').map((f) => f.trim());
    const filter = parseFilter(String(data.FilterString ?? ''));
    const start = Number(data.StartRow ?? 0);
    const limit = Number(data.Limit ?? 2000) || 2000;
    const rows = state.bills
      .filter((b) => b.formId === formId && filter.every(([field, values]) => values.includes(String(fieldValue(b, field)))))
      .map((b) => fields.map((f) => fieldValue(b, f)));
    return rows.slice(start, start + limit);
  }

  function handleBusiness(op: string, body: Record<string, unknown>): unknown {
    const formId = String(body.formid ?? '');
    const data = (body.data ?? {}) as Record<string, unknown>;
    const numbers = Array.isArray(data.Numbers) ? data.Numbers.map(String) : [];
    switch (op) {
      case 'Save': {
        const model = (data.Model ?? {}) as Record<string, unknown>;
        const given = state.manualBillNo && typeof model.FBillNo === 'string' && model.FBillNo !== '' ? model.FBillNo : undefined;
        const number = given ?? `XSDD${String(nextNumber++).padStart(6, '0')}`;
        if (findBill(formId, number)) {
          return envelope({ ok: false, msgCode: 11, errors: [{ FieldName: 'FBillNo', Message: `单据编号“${number}”已经存在，不能重复。` }] });
        }
        const bill: FakeBill = { formId, id: nextId++, number, status: 'A', model };
        state.bills.push(bill);
        return envelope({ ok: true, entities: [bill] });
      }
      case 'Submit':
      case 'Audit':
      case 'UnAudit': {
        const from = { Submit: ['A', 'D'], Audit: ['B'], UnAudit: ['C'] }[op];
        const to = ({ Submit: 'B', Audit: 'C', UnAudit: 'D' } as const)[op];
        const errors: { Message: string }[] = [];
        const done: FakeBill[] = [];
        for (const n of numbers) {
          const bill = findBill(formId, n);
          if (!bill) errors.push({ Message: `单据 ${n} 不存在` });
          else if (!from.includes(bill.status)) errors.push({ Message: `单据 ${n} 当前状态（${bill.status}）不允许${op}` });
          else {
            bill.status = to;
            done.push(bill);
          }
        }
        return errors.length > 0 ? envelope({ ok: false, msgCode: 12, errors, entities: done }) : envelope({ ok: true, entities: done });
      }
      case 'View': {
        const bill = findBill(formId, String(data.Number ?? ''));
        if (!bill) return envelope({ ok: false, msgCode: 10, errors: [{ Message: '未找到对应数据' }] });
        return envelope({ ok: true, extra: { Result: { Id: bill.id, BillNo: bill.number, DocumentStatus: bill.status, ...bill.model } } });
      }
      case 'Push': {
        const targetFormId = String(data.TargetFormId);
        const created: FakeBill[] = [];
        for (const n of numbers) {
          const source = findBill(formId, n);
          if (!source) return envelope({ ok: false, msgCode: 10, errors: [{ Message: `源单 ${n} 不存在` }] });
        }
        for (const n of numbers) {
          const bill: FakeBill = { formId: targetFormId, id: nextId++, number: `XSCKD${String(nextNumber++).padStart(6, '0')}`, status: 'A', model: {}, srcBillNo: n };
          state.bills.push(bill);
          created.push(bill);
        }
        return envelope({ ok: true, entities: created });
      }
      default:
        return envelope({ ok: false, msgCode: 3, errors: [{ Message: `unknown operation ${op}` }] });
    }
  }

  function takeFault(op: string): Fault | undefined {
    const queue = faults.get(op);
    const fault = queue?.shift();
    if (queue && queue.length === 0) faults.delete(op);
    return fault;
  }

  function handle(req: ReceivedRequest, res: ServerResponse): void {
    const match = /\/k3cloud\/(.+)\.common\.kdsvc$/.exec(req.url);
    if (req.method !== 'POST' || !match?.[1]) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html>Not Found</html>');
      return;
    }
    const service = match[1];
    const op = service.slice(service.lastIndexOf('.') + 1);
    const sessionHeader = typeof req.headers['kdservice-sessionid'] === 'string' ? req.headers['kdservice-sessionid'] : undefined;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(req.body) as Record<string, unknown>;
    } catch {
      sendJson(res, 200, envelope({ ok: false, msgCode: 8, errors: [{ Message: 'bad json' }] }));
      return;
    }
    state.calls.push({ service, body, cookie: req.headers.cookie, sessionHeader });

    const fault = takeFault(op);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers }).end(fault.body ?? 'error');
      return;
    }
    if (op === 'ValidateUser' || op === 'LoginByAppSecret') {
      handleLogin(op === 'ValidateUser' ? 'password' : 'appSecret', body, res);
      return;
    }

    const cookieSession = /kdservice-sessionid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const authenticated = cookieSession !== undefined && sessions.has(cookieSession);
    if (!authenticated || fault?.kind === 'sessionLost') {
      const withMsgCode = fault?.kind === 'sessionLost' ? fault.withMsgCode !== false : true;
      const lost = envelope({ ok: false, msgCode: withMsgCode ? 1 : 0, errors: [{ Message: SESSION_LOST }] });
      // ExecuteBillQuery nests the envelope in its 2-D array.
      sendJson(res, 200, op === 'ExecuteBillQuery' ? [[lost]] : lost);
      return;
    }
    if (fault?.kind === 'answer') {
      sendJson(res, 200, fault.body);
      return;
    }
    if (fault?.kind === 'envelope') {
      sendJson(res, 200, envelope({ ok: false, msgCode: fault.msgCode, errors: [{ FieldName: fault.fieldName ?? '', Message: fault.message }] }));
      return;
    }
    const answer = op === 'ExecuteBillQuery' ? query((body.data ?? {}) as Record<string, unknown>) : handleBusiness(op, body);
    if (fault?.kind === 'dropAfterCommit') {
      res.socket?.destroy();
      return;
    }
    sendJson(res, 200, answer);
  }

  const server: TestServer = await startTestServer((req, res) => handle(req, res));
  // startTestServer's records are not needed: calls carry the parsed body.
  return {
    serverUrl: `${server.url}/k3cloud/`,
    account: acct,
    get calls() {
      return state.calls;
    },
    get bills() {
      return state.bills;
    },
    get logins() {
      return state.logins;
    },
    get stringBooleans() {
      return state.stringBooleans;
    },
    set stringBooleans(value: boolean) {
      state.stringBooleans = value;
    },
    get manualBillNo() {
      return state.manualBillNo;
    },
    set manualBillNo(value: boolean) {
      state.manualBillNo = value;
    },
    expireSessions: () => sessions.clear(),
    failNext(service, fault, times = 1) {
      const queue = faults.get(service) ?? [];
      for (let i = 0; i < times; i += 1) queue.push(fault);
      faults.set(service, queue);
    },
    callsTo: (service) => state.calls.filter((c) => c.service.endsWith(`.${service}`)),
    close: () => server.close(),
  };
}

function fieldValue(bill: FakeBill, field: string): unknown {
  switch (field) {
    case 'FID':
      return bill.id;
    case 'FBillNo':
      return bill.number;
    case 'FDocumentStatus':
      return bill.status;
    case 'FSrcBillNo':
      return bill.srcBillNo ?? '';
    default: {
      let value: unknown = bill.model;
      for (const part of field.split('.')) {
        value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined;
      }
      return value ?? null;
    }
  }
}

/** Only what this package sends: `F='v'` and `F IN ('a','b')`, joined by AND. */
function parseFilter(filter: string): [string, string[]][] {
  if (filter.trim() === '') return [];
  return filter.split(/\s+and\s+/i).map((clause) => {
    const eq = /^\s*([\w.]+)\s*=\s*'((?:[^']|'')*)'\s*$/.exec(clause);
    if (eq?.[1] !== undefined && eq[2] !== undefined) return [eq[1], [eq[2].replaceAll("''", "'")]];
    const inList = /^\s*([\w.]+)\s+IN\s*\((.*)\)\s*$/i.exec(clause);
    if (inList?.[1] !== undefined && inList[2] !== undefined) {
      const values = [...inList[2].matchAll(/'((?:[^']|'')*)'/g)].map((m) => (m[1] ?? '').replaceAll("''", "'"));
      return [inList[1], values];
    }
    throw new Error(`fake K3Cloud cannot parse filter clause: ${clause}`);
  });
}
