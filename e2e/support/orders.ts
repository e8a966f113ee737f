import { randomUUID } from 'node:crypto';

export interface Line {
  material: string;
  quantity: string;
}

/** A sales-order CloudEvent with 1–3 lines of materials 01.001–01.010 from warehouse CK001. */
export function salesOrderEvent(orderNo: string, seed: number) {
  const lines = Array.from({ length: 1 + (seed % 3) }, (_, i) => ({
    material: `01.${String(1 + ((seed + i * 3) % 10)).padStart(3, '0')}`,
    quantity: String(1 + ((seed * 7 + i) % 5)),
    taxPrice: '113.00',
    taxRate: '13',
    warehouse: 'CK001',
  }));
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: '/e2e/crm',
    type: 'com.qiao.sales_order.created',
    subject: orderNo,
    time: new Date().toISOString(),
    data: { orderNo, orderDate: '2026-11-27', customer: { code: `CUST000${1 + (seed % 9)}` }, salesOrg: '100', lines },
  };
}

export function quantitiesByMaterial(events: ReturnType<typeof salesOrderEvent>[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const e of events) for (const l of e.data.lines) totals.set(l.material, (totals.get(l.material) ?? 0) + Number(l.quantity));
  return totals;
}

/** Runs `task` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(items: T[], concurrency: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await task(items[index] as T);
      }
    }),
  );
  return results;
}
