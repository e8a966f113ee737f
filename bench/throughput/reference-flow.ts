import type { Prisma } from '@qiao/db';
import { createPrisma } from '@qiao/db';
import { createSecretBox, parseSecretKey } from '@qiao/runtime';
import { publishFlow } from '../../apps/server/src/flows/publish';

export const BENCH_EVENT_TYPE = 'com.qiao.bench.order.created';

/** The same mapping as mapping.mjs, in JSONata as an analyst would draw it in the designer. */
export const ORDER_TO_DOCUMENT = `{
  "billNo": event.data.orderNo,
  "date": event.data.orderDate,
  "customer": { "number": event.data.customer.code },
  "currency": "CNY",
  "entries": [event.data.lines.{
    "material": { "number": material },
    "qty": quantity,
    "taxPrice": taxPrice,
    "warehouse": { "number": warehouse }
  }]
}`;

/**
 * Publishes the reference flow in a running Qiao: an HTTP connection to the sink and one step that
 * maps the event and POSTs the document (with its Idempotency-Key), checkpointed like any other.
 */
export async function publishReferenceFlow(args: { databaseUrl: string; secretKey: string; sinkUrl: string }): Promise<string> {
  const prisma = createPrisma(args.databaseUrl, { max: 2 });
  try {
    const box = createSecretBox(parseSecretKey(args.secretKey));
    const connection = await prisma.connection.create({
      data: { name: 'bench ERP-like sink', connectorId: 'http', secret: box.sealJson({ type: 'none', baseUrl: args.sinkUrl }) },
      select: { id: true },
    });
    const document = {
      schemaVersion: 1,
      name: 'bench: order → ERP document',
      trigger: { eventType: BENCH_EVENT_TYPE },
      nodes: [{
        id: 'postDocument', type: 'http.request', name: 'POST document', connectionId: connection.id, position: { x: 0, y: 0 },
        retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5000, multiplier: 2 },
        parameters: { method: 'POST', url: 'documents', body: { $expr: ORDER_TO_DOCUMENT } },
      }],
      edges: [],
    };
    const flow = await prisma.flow.create({ data: { name: document.name, draft: document as Prisma.InputJsonValue }, select: { id: true } });
    const published = await publishFlow(prisma, { flowId: flow.id, comment: 'bench', userId: null });
    if (!published.ok) throw new Error(`the reference flow does not publish: ${JSON.stringify(published)}`);
    return flow.id;
  } finally {
    await prisma.$disconnect();
  }
}
