import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import type { HttpContext } from '../auth';
import { send } from '../transport';

/** What one step may hold in memory at most, whatever the node says. */
const MAX_RESPONSE_BYTES_CAP = 100 * 1024 * 1024;

const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const request = defineAction({
  id: 'request',
  name: { en: 'HTTP request', 'zh-CN': 'HTTP 请求' },
  description: {
    en: 'Calls a REST endpoint. Non-GET requests carry an Idempotency-Key that stays the same across retries.',
    'zh-CN': '调用 REST 接口。非 GET 请求带 Idempotency-Key，重试时保持不变。',
  },
  input: z.object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']).default('GET'),
    /** Absolute, or relative to the connection's baseUrl. */
    url: z.string(),
    headers: z.record(z.string(), z.string()).optional(),
    query: z.record(z.string(), z.union([scalar, z.array(scalar)])).optional(),
    /** Sent as JSON (a string is sent as-is when a non-JSON content-type header is given). */
    body: z.json().optional(),
    timeoutMs: z.int().min(1).max(600_000).default(30_000),
    /** Parse the answer as JSON; false returns the text. */
    expectJson: z.boolean().default(true),
    /** Statuses that count as success; default any 2xx. */
    successStatuses: z.array(z.int().min(100).max(599)).min(1).optional(),
    /** Largest answer accepted, in bytes; default 10 MiB. A larger one fails with response_too_large. */
    maxResponseBytes: z.int().min(1).max(MAX_RESPONSE_BYTES_CAP).optional(),
  }),
  output: z.object({
    status: z.int(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
  async run(ctx: HttpContext, params) {
    return send(ctx, { ...params, idempotencyKey: ctx.idempotencyKey });
  },
});
