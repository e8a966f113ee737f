import { describe, expect, it } from 'vitest';
import { nodeTypeRegistry } from '@qiao/connectors';
import { compile, resolveParameters } from '@qiao/flow';
import { orderToInvoiceFlow } from './demo-flow';

const KINGDEE = '00000000-0000-4000-8000-000000000001';
const DINGTALK = '00000000-0000-4000-8000-000000000002';
const WECOM = '00000000-0000-4000-8000-000000000003';

const event = { id: 'e1', source: '/demo/crm', type: 'com.qiao.sales_order.created', data: { orderNo: 'SO-1', customer: { code: 'CUST0001' } } };
const steps = { saveOrder: { number: 'SO-1' }, pushOutbound: { targets: [{ id: '100', number: 'XSCKD000042' }], created: true } };

describe('the demo flow', () => {
  it('without chat connections: four ERP steps in a chain', () => {
    const flow = orderToInvoiceFlow(KINGDEE);
    expect(flow.nodes.map((n) => n.id)).toEqual(['saveOrder', 'pushOutbound', 'pushReceivable', 'pushInvoice']);
    expect(compile(flow, nodeTypeRegistry()).ok).toBe(true);
  });

  it('with DingTalk and WeCom: both announce the audited outbound on a branch beside the receivable, and it compiles', () => {
    const flow = orderToInvoiceFlow(KINGDEE, { dingtalkRobotConnectionId: DINGTALK, wecomConnectionId: WECOM });
    const compiled = compile(flow, nodeTypeRegistry());
    expect(compiled.ok ? [] : compiled.errors).toEqual([]);
    expect(flow.edges.filter((e) => e.source === 'pushOutbound').map((e) => e.target).sort()).toEqual(['notifyDingtalk', 'notifyWecom', 'pushReceivable']);
    expect(flow.nodes.find((n) => n.id === 'notifyDingtalk')).toMatchObject({ type: 'dingtalk.sendRobotMessage', connectionId: DINGTALK });
    expect(flow.nodes.find((n) => n.id === 'notifyWecom')).toMatchObject({ type: 'wecom.sendAppMessage', connectionId: WECOM });
  });

  it('maps the outbound number and the order number into both messages', async () => {
    const flow = orderToInvoiceFlow(KINGDEE, { dingtalkRobotConnectionId: DINGTALK, wecomConnectionId: WECOM });
    const parameters = (id: string) => flow.nodes.find((n) => n.id === id)?.parameters;
    const robot = (await resolveParameters(parameters('notifyDingtalk'), { event, steps })) as { message: { markdown: { title: string; text: string } } };
    expect(robot.message.markdown.title).toBe('出库单已审核 XSCKD000042');
    expect(robot.message.markdown.text).toContain('**XSCKD000042**');
    expect(robot.message.markdown.text).toContain('SO-1');
    expect(robot.message.markdown.text).toContain('Qiao');
    const app = (await resolveParameters(parameters('notifyWecom'), { event, steps })) as { content: string; touser: string[] };
    expect(app.content).toBe('出库单 XSCKD000042 已审核（销售订单 SO-1，客户 CUST0001）。Outbound audited.');
    expect(app.touser).toEqual(['caiwu01']);
  });

  it('joins several outbounds (a partial delivery pushed twice) into one message', async () => {
    const flow = orderToInvoiceFlow(KINGDEE, { wecomConnectionId: WECOM });
    expect(flow.nodes.some((n) => n.id === 'notifyDingtalk')).toBe(false);
    const twoOutbounds = { ...steps, pushOutbound: { targets: [{ id: '1', number: 'XSCKD1' }, { id: '2', number: 'XSCKD2' }], created: true } };
    const app = (await resolveParameters(flow.nodes.find((n) => n.id === 'notifyWecom')?.parameters, { event, steps: twoOutbounds })) as { content: string };
    expect(app.content).toContain('XSCKD1、XSCKD2');
  });
});
