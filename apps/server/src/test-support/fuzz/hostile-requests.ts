import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';

/**
 * Building blocks for fuzzing any HTTP endpoint that takes a body (the event gateway, the WeCom and
 * DingTalk callbacks): generic hostile bodies, content types and header values, and a runner that
 * sends N of them to one route and checks every answer is a 4xx and that nothing was written.
 */
export interface HostileRequest {
  /** What kind of hostility this is; the runner tallies answers per label. */
  label: string;
  method?: 'POST' | 'GET' | 'PUT';
  /** Appended to the route (e.g. "?msg_signature=…" for callbacks). */
  query?: string;
  headers: Record<string, string>;
  payload: string | Buffer;
  /**
   * Statuses other than 4xx this request may get: an exact replay of a valid callback is answered
   * 200 again (the vendor must stop retrying) and writes nothing, which the caller checks by counting rows.
   */
  accepts?: readonly number[];
}

export const TEN_MB = Buffer.alloc(10 * 1024 * 1024, 0x7b); // "{{{{…"

const protoKeys = fc.constantFrom('__proto__', 'constructor', 'prototype');

/** Text that is not JSON at all, or JSON cut short. */
export const brokenJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '{', '}', '{"a":', '[1,2', '{"a":1,}', "{'a':1}", 'NaN', 'undefined', '{"a":1}{"b":2}', '\u0000', '{"a":"\\u12"}', '{"a":01}', '[', '"unterminated'),
  fc.string({ maxLength: 200 }).filter((s) => !isJson(s)),
  fc.tuple(fc.json(), fc.nat()).map(([json, cut]) => json.slice(0, Math.max(1, json.length - 1 - (cut % json.length)))).filter((s) => !isJson(s)),
);

/** Valid JSON nested too deep for any business document. */
export const deepNesting: fc.Arbitrary<string> = fc.tuple(fc.integer({ min: 65, max: 100_000 }), fc.boolean()).map(([depth, arrays]) => (arrays ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));

/** Prototype-pollution attempts: `__proto__`, `constructor`, `prototype` as keys, at the top and nested. */
export function withPollutionKeys(valid: Record<string, unknown>): fc.Arbitrary<string> {
  return fc.tuple(protoKeys, fc.boolean()).map(([name, nested]) => {
    const text = JSON.stringify(valid);
    const poison = `"${name}":{"polluted":true,"prototype":{"polluted":true}}`;
    return nested ? text.replace('"data":{', `"data":{${poison},`) : `{${poison},${text.slice(1)}`;
  });
}

/** Binary garbage, invalid UTF-8, BOMs. */
export const binaryGarbage: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 512 }).map((a) => Buffer.from(a)),
  fc.constant(Buffer.from([0xff, 0xfe, 0xfd, 0x00, 0xc3, 0x28])),
  fc.constant(Buffer.from('\ufeff{"specversion":"1.0"', 'utf8')),
);

export const hostileContentType: fc.Arbitrary<string> = fc.constantFrom(
  'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded',
  'application/cloudevents-batch+json', 'application/octet-stream', 'application/json; charset=utf-16', '*/*', ';;;', 'application/',
);

/** Header values that are present but wrong. */
export const hostileHeaderValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', ' ', 'null', 'undefined', '0', '-1', 'x'.repeat(4000), '"', '""', '\\', '%00', '%ZZ', '{"a":1}'),
  fc.string({ maxLength: 64 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export interface FuzzOutcome {
  runs: number;
  /** answers per label and status, e.g. { "broken-json 400": 1234 } */
  tally: Record<string, number>;
}

export interface RunHostileOptions {
  app: FastifyInstance;
  /** The route under test, e.g. "/api/events" or "/callbacks/wecom/<id>". */
  route: string;
  requests: fc.Arbitrary<HostileRequest>;
  numRuns: number;
  /** Answers must be problem+json (the gateway) or just any 4xx (callbacks that must answer in a vendor format). */
  expectProblemJson?: boolean;
  seed?: number;
}

/** Sends numRuns hostile requests; throws (with fast-check's counterexample and seed) on any answer outside 4xx. */
export async function runHostileRequests(options: RunHostileOptions): Promise<FuzzOutcome> {
  const tally: Record<string, number> = {};
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(options.requests, async (request) => {
      const res = await options.app.inject({
        method: request.method ?? 'POST',
        url: `${options.route}${request.query ?? ''}`,
        headers: request.headers,
        payload: request.payload,
      });
      runs += 1;
      const key = `${request.label} ${res.statusCode}`;
      tally[key] = (tally[key] ?? 0) + 1;
      if (request.accepts?.includes(res.statusCode)) return;
      if (res.statusCode < 400 || res.statusCode >= 500) {
        throw new Error(`${request.label}: expected a 4xx, got ${res.statusCode}: ${res.body.slice(0, 500)}`);
      }
      if (options.expectProblemJson !== false && !String(res.headers['content-type']).startsWith('application/problem+json')) {
        throw new Error(`${request.label}: ${res.statusCode} without application/problem+json: ${res.body.slice(0, 200)}`);
      }
    }),
    { numRuns: options.numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }), endOnFailure: true },
  );
  return { runs, tally };
}
