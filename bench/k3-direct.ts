/** The baseline's hand-written K3Cloud calls: what a point-to-point script would do, without durability. */
export class K3Session {
  private cookie = '';
  constructor(private readonly baseUrl: string) {}

  async call<T>(service: string, body: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/k3cloud/Kingdee.BOS.WebApi.ServicesStub.${service}.common.kdsvc`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: this.cookie }, body: JSON.stringify(body),
    });
    const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (cookies) this.cookie = cookies;
    return (await res.json()) as T;
  }

  async login(): Promise<void> {
    await this.call('AuthService.LoginByAppSecret', { acctID: 'QIAO_DEMO', username: 'demo', appid: 'qiaodemo_0123456789abcdef0123456789abcdef', appsecret: 'qiao-demo-secret', lcid: 2052 });
  }
}

interface Envelope {
  Result: { ResponseStatus: { IsSuccess: boolean | string; Errors?: { Message: string }[]; SuccessEntitys?: { Number: string }[] }; Number?: string };
}

function ok(env: Envelope, what: string): Envelope {
  const s = env.Result.ResponseStatus;
  if (s.IsSuccess !== true && s.IsSuccess !== 'true') throw new Error(`${what}: ${s.Errors?.map((e) => e.Message).join('; ')}`);
  return env;
}

interface OrderData {
  orderNo: string;
  orderDate: string;
  customer: { code: string };
  lines: { material: string; quantity: string; taxPrice: string; taxRate: string; warehouse: string }[];
}

export async function directOrderToInvoice(k3: K3Session, order: OrderData): Promise<void> {
  const model = {
    FBillNo: order.orderNo, FBillTypeID: { FNumber: 'XSDD01_SYS' }, FDate: order.orderDate, FSaleOrgId: { FNumber: '100' }, FCustId: { FNumber: order.customer.code },
    FSaleOrderFinance: { FSettleCurrId: { FNumber: 'PRE001' }, FIsIncludedTax: true, FExchangeRate: 1 },
    FSaleOrderEntry: order.lines.map((l) => ({ FMaterialId: { FNumber: l.material }, FUnitID: { FNumber: 'Pcs' }, FQty: l.quantity, FTaxPrice: l.taxPrice, FEntryTaxRate: l.taxRate, FStockId: { FNumber: l.warehouse }, FDeliveryDate: order.orderDate })),
  };
  const saved = ok(await k3.call<Envelope>('DynamicFormService.Save', { formid: 'SAL_SaleOrder', data: { Model: model } }), 'save');
  let numbers = [saved.Result.Number ?? order.orderNo];
  const steps: [string, string, string, string][] = [
    ['SAL_SaleOrder', 'SaleOrder-OutStock', 'SAL_OUTSTOCK', ''],
    ['SAL_OUTSTOCK', 'AR_OutStockToReceivableMap', 'AR_receivable', ''],
    ['AR_receivable', 'IV_ReceivableToSalesIC_Entry', 'IV_SALESIC', ''],
  ];
  let form = 'SAL_SaleOrder';
  ok(await k3.call<Envelope>('DynamicFormService.Submit', { formid: form, data: { Numbers: numbers } }), 'submit');
  ok(await k3.call<Envelope>('DynamicFormService.Audit', { formid: form, data: { Numbers: numbers } }), 'audit');
  for (const [source, rule, target] of steps) {
    const pushed = ok(await k3.call<Envelope>('DynamicFormService.Push', { formid: source, data: { Numbers: numbers, RuleId: rule, TargetFormId: target, IsDraftWhenSaveFail: 'true' } }), 'push');
    numbers = (pushed.Result.ResponseStatus.SuccessEntitys ?? []).map((e) => e.Number);
    form = target;
    ok(await k3.call<Envelope>('DynamicFormService.Submit', { formid: form, data: { Numbers: numbers } }), 'submit');
    ok(await k3.call<Envelope>('DynamicFormService.Audit', { formid: form, data: { Numbers: numbers } }), 'audit');
  }
}
