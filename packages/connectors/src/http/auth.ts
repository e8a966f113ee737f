import { z } from 'zod';
import type { ActionContext, ConnectionContext } from '../kit/context';

/** A header field name (RFC 9110 token). */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');
const baseUrl = z.url({ protocol: /^https?$/ }).optional();

export const httpAuthSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none'), baseUrl }),
  z.object({ type: z.literal('header'), name: headerName, value: z.string(), baseUrl }),
  z.object({ type: z.literal('basic'), username: z.string(), password: z.string(), baseUrl }),
  z.object({ type: z.literal('bearer'), token: z.string().min(1), baseUrl }),
]);

export type HttpCredentials = z.output<typeof httpAuthSchema>;
export type HttpContext = ActionContext<HttpCredentials>;
export type HttpConnectionContext = ConnectionContext<HttpCredentials>;

export function authHeaders(credentials: HttpCredentials): Record<string, string> {
  switch (credentials.type) {
    case 'none':
      return {};
    case 'header':
      return { [credentials.name]: credentials.value };
    case 'basic':
      return { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64')}` };
    case 'bearer':
      return { authorization: `Bearer ${credentials.token}` };
  }
}
