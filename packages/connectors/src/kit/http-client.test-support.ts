import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { SELF_SIGNED_CERT, SELF_SIGNED_KEY } from './http-client.tls-fixture';

/** A request as the server saw it, headers straight from the wire (lower-cased, repeats joined). */
export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  socket: Socket;
}

export interface RecordingServer {
  url: string;
  seen: SeenRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

export type Answer = (seen: SeenRequest, response: ServerResponse, request: IncomingMessage) => void;

/** The HTTP client's test server: records every request and connection; `answer` replies (default: 200 "{}"). */
export async function startRecordingServer(answer: Answer = (_seen, res) => res.end('{}'), options: { tls?: boolean; host?: string } = {}): Promise<RecordingServer> {
  const seen: SeenRequest[] = [];
  let connections = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
        const name = (req.rawHeaders[i] as string).toLowerCase();
        const value = req.rawHeaders[i + 1] as string;
        headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
      }
      const request: SeenRequest = { method: req.method ?? '', url: req.url ?? '', headers, body: Buffer.concat(chunks), socket: req.socket };
      seen.push(request);
      answer(request, res, req);
    });
  };
  const server: Server = options.tls ? createTlsServer({ key: SELF_SIGNED_KEY, cert: SELF_SIGNED_CERT }, handler) : createServer(handler);
  server.on('connection', () => connections++);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    seen,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
