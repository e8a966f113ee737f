import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The ERP-like sink every system posts its document to. It records when each document (by billNo)
 * arrived, wakes whoever waits for it, and counts documents that arrived more than once.
 */
export interface Sink {
  url: string;
  /** Resolves with performance.now() at the moment the document arrived. */
  waitFor(billNo: string, timeoutMs: number): Promise<number>;
  received: number;
  duplicates: number;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const waiting = new Map<string, { resolve: (at: number) => void; timer: NodeJS.Timeout }>();
  const arrived = new Map<string, number>();
  const seen = new Set<string>();
  let received = 0;
  let duplicates = 0;
  let nextId = 1;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const billNo = readBillNo(Buffer.concat(chunks));
      if (billNo === null) {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"not JSON"}');
        return;
      }
      received += 1;
      if (seen.has(billNo)) duplicates += 1;
      seen.add(billNo);
      const waiter = waiting.get(billNo);
      if (waiter) {
        clearTimeout(waiter.timer);
        waiting.delete(billNo);
        waiter.resolve(at);
      } else {
        arrived.set(billNo, at);
      }
      res.writeHead(201, { 'content-type': 'application/json' }).end(`{"id":${nextId++},"billNo":${JSON.stringify(billNo)}}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    get received() {
      return received;
    },
    get duplicates() {
      return duplicates;
    },
    waitFor(billNo, timeoutMs) {
      const early = arrived.get(billNo);
      if (early !== undefined) {
        arrived.delete(billNo);
        return Promise.resolve(early);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.delete(billNo);
          reject(new Error(`document ${billNo} did not reach the sink within ${timeoutMs} ms`));
        }, timeoutMs);
        waiting.set(billNo, { resolve, timer });
      });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function readBillNo(body: Buffer): string | null {
  try {
    return String((JSON.parse(body.toString('utf8')) as { billNo?: unknown }).billNo ?? '');
  } catch {
    return null;
  }
}
