import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { K3Client } from './support/k3-client';
import { salesOrderEvent } from './support/orders';
import { startTestStack, type TestStack } from './support/stack-fixture';

// The demo as `npm start` runs it, with both chat simulators: a sales order posted to the gateway
// ends with the outbound audited in the ERP and announced once in a DingTalk group (through the
// outbox) and once to WeCom users, each message carrying the outbound's and the order's numbers.

let stack: TestStack;
let db: pg.Pool;
let k3: K3Client;

beforeAll(async () => {
  stack = await startTestStack('notify', { workers: 1, simulators: { wecom: true, dingtalk: true } });
  db = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
  k3 = new K3Client(stack.erpSimUrl);
  await k3.login();
});

afterAll(async () => {
  await db?.end();
  await stack?.dispose();
});

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

interface DingtalkState {
  robotMessages: { accessToken: string; body: { msgtype: string; markdown?: { title: string; text: string } } }[];
  robotRejections: unknown[];
}
interface WecomAppMessage {
  body: { msgtype: string; text?: { content: string }; touser?: string };
  deliveredTo: string[];
  duplicateOf?: string;
}

describe('an audited outbound is announced in DingTalk and WeCom', () => {
  it('posts a sales order; the run succeeds and each simulator receives exactly one message with the outbound number', async () => {
    expect(stack.wecomSimUrl).toBeDefined();
    expect(stack.dingtalkSimUrl).toBeDefined();
    const orderNo = `SO-NOTIFY-${Date.now()}`;
    const res = await fetch(`${stack.serverUrl}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(salesOrderEvent(orderNo, 4)),
    });
    expect(res.status).toBe(202);
    const receipt = (await res.json()) as { runs: { id: string }[] };
    expect(receipt.runs).toHaveLength(1);
    const runId = receipt.runs[0]?.id ?? '';

    const status = await eventually('the run to finish', async () => {
      const { rows } = await db.query<{ status: string }>('SELECT status::text FROM runs WHERE id = $1', [runId]);
      const s = rows[0]?.status;
      return s === 'succeeded' || s === 'needs_attention' || s === 'failed' ? s : undefined;
    });
    expect(status).toBe('succeeded');
    const { rows: steps } = await db.query<{ nodeId: string; status: string }>('SELECT "nodeId", status::text FROM steps WHERE "runId" = $1 ORDER BY "nodeId"', [runId]);
    expect(steps.map((s) => `${s.nodeId}:${s.status}`)).toEqual(
      ['notifyDingtalk', 'notifyWecom', 'pushInvoice', 'pushOutbound', 'pushReceivable', 'saveOrder'].map((id) => `${id}:succeeded`),
    );

    // The ERP's outbound for this order (one row per entry line), audited.
    const outbounds = await k3.query('SAL_OUTSTOCK', ['FBillNo', 'FDocumentStatus'], `FSrcBillNo = '${orderNo}'`);
    expect(new Set(outbounds.map((o) => String(o['FBillNo']))).size).toBe(1);
    const outboundNo = String(outbounds[0]?.['FBillNo']);
    expect(outbounds.every((o) => o['FDocumentStatus'] === 'C')).toBe(true);

    // DingTalk: the outbox drains the robot message within the robot's rate.
    const dingtalkUrl = stack.dingtalkSimUrl ?? '';
    const robot = await eventually('the DingTalk robot message', async () => {
      const state = await getJson<DingtalkState>(`${dingtalkUrl}/__sim/state`);
      const ours = state.robotMessages.filter((m) => JSON.stringify(m.body).includes(outboundNo));
      return ours.length > 0 ? { state, ours } : undefined;
    });
    const outbox = await eventually('the outbox row to be sent', async () => {
      const { rows } = await db.query<{ status: string; runId: string; attempts: number; uncertain: boolean }>('SELECT status::text, "runId", attempts, uncertain FROM outbox_messages WHERE "runId" = $1', [runId]);
      return rows.length === 1 && rows[0]?.status === 'sent' ? rows[0] : undefined;
    });
    expect(outbox).toMatchObject({ status: 'sent', uncertain: false });
    // Still exactly one after the row is recorded sent (no second delivery), and none refused.
    const after = await getJson<DingtalkState>(`${dingtalkUrl}/__sim/state`);
    const delivered = after.robotMessages.filter((m) => JSON.stringify(m.body).includes(outboundNo));
    expect(delivered).toHaveLength(1);
    expect(robot.ours[0]).toMatchObject({ accessToken: 'qiao-demo-robot', body: { msgtype: 'markdown', markdown: { title: `出库单已审核 ${outboundNo}` } } });
    expect(delivered[0]?.body.markdown?.text).toContain(orderNo);
    expect(after.robotRejections).toEqual([]);

    // WeCom: the app message was sent by the step itself.
    const wecomUrl = stack.wecomSimUrl ?? '';
    const appMessages = await getJson<WecomAppMessage[]>(`${wecomUrl}/__sim/messages?kind=app`);
    const ours = appMessages.filter((m) => JSON.stringify(m.body).includes(outboundNo));
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ body: { msgtype: 'text', touser: 'caiwu01' }, deliveredTo: ['caiwu01'] });
    expect(ours[0]?.duplicateOf).toBeUndefined();
    expect(ours[0]?.body.text?.content).toContain(orderNo);
  }, 240_000);
});
