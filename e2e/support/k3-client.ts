/**
 * A deliberately small K3Cloud client for assertions: logs in and runs ExecuteBillQuery. Written
 * apart from the Kingdee connector so the tests do not trust the code they test.
 */
export class K3Client {
  private cookie = '';
  constructor(private readonly baseUrl: string) {}

  private async post(service: string, body: unknown): Promise<unknown> {
    const res = await fetch(`${this.baseUrl}/k3cloud/${service}.common.kdsvc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: this.cookie },
      body: JSON.stringify(body),
    });
    const setCookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (setCookie) this.cookie = setCookie;
    return res.json();
  }

  async login(): Promise<void> {
    const result = (await this.post('Kingdee.BOS.WebApi.ServicesStub.AuthService.LoginByAppSecret', {
      acctID: 'QIAO_DEMO', username: 'demo', appid: 'qiaodemo_0123456789abcdef0123456789abcdef', appsecret: 'qiao-demo-secret', lcid: 2052,
    })) as { LoginResultType?: number };
    if (result.LoginResultType !== 1) throw new Error(`K3 login failed: ${JSON.stringify(result)}`);
  }

  /** All rows (paged by StartRow) as objects keyed by field. */
  async query(formId: string, fields: string[], filter = ''): Promise<Record<string, unknown>[]> {
    try {
      return await this.queryOnce(formId, fields, filter);
    } catch (err) {
      // The tests expire sessions on purpose; log in again once.
      if (!String(err).includes('会话信息已丢失')) throw err;
      await this.login();
      return this.queryOnce(formId, fields, filter);
    }
  }

  private async queryOnce(formId: string, fields: string[], filter: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    const limit = 2000;
    for (let start = 0; ; start += limit) {
      const page = (await this.post('Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery', {
        data: { FormId: formId, FieldKeys: fields.join(','), FilterString: filter, OrderString: '', TopRowCount: 0, StartRow: start, Limit: limit },
      })) as unknown[][];
      if (!Array.isArray(page)) throw new Error(`unexpected query answer: ${JSON.stringify(page).slice(0, 300)}`);
      const first = page[0]?.[0];
      if (first && typeof first === 'object' && 'Result' in first) throw new Error(`query failed: ${JSON.stringify(first).slice(0, 300)}`);
      for (const row of page) rows.push(Object.fromEntries(fields.map((f, i) => [f, row[i]])));
      if (page.length < limit) return rows;
    }
  }
}
