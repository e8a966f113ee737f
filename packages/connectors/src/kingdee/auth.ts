import { createHash, randomInt } from 'node:crypto';
import { z } from 'zod';
import type { ActionContext, ConnectionContext } from '../kit/context';

/** What Kingdee's own SDK configuration holds, plus the two knobs that vary between sites. */
export const kingdeeAuthSchema = z
  .object({
    /** The customer's site, e.g. http://erp.example.com/k3cloud/ — there is no public default host. */
    serverUrl: z.url({ protocol: /^https?$/ }),
    /** Data centre id (账套 ID). */
    acctId: z.string().trim().min(1),
    username: z.string().min(1),
    authType: z.enum(['password', 'appSecret']),
    password: z.string().optional(),
    appId: z.string().optional(),
    appSecret: z.string().optional(),
    /** 2052 = zh-CN, 1033 = en-US; also decides the language of Kingdee's messages. */
    lcid: z.int().default(2052),
    timeoutMs: z.int().min(100).max(600_000).default(30_000),
    /** Older sites want the login arguments in a `parameters` array envelope. */
    loginBodyForm: z.enum(['flat', 'parameters']).default('flat'),
  })
  .superRefine((auth, issues) => {
    if (auth.authType === 'password' && !auth.password) {
      issues.addIssue({ code: 'custom', path: ['password'], message: 'password is required when authType is "password"' });
    }
    if (auth.authType === 'appSecret') {
      if (!auth.appId) issues.addIssue({ code: 'custom', path: ['appId'], message: 'appId is required when authType is "appSecret"' });
      if (!auth.appSecret) {
        issues.addIssue({ code: 'custom', path: ['appSecret'], message: 'appSecret is required when authType is "appSecret"' });
      }
    }
  });

export type KingdeeCredentials = z.output<typeof kingdeeAuthSchema>;
export type KingdeeContext = ActionContext<KingdeeCredentials>;
export type KingdeeConnectionContext = ConnectionContext<KingdeeCredentials>;

export const AUTH_SERVICE = {
  password: 'Kingdee.BOS.WebApi.ServicesStub.AuthService.ValidateUser',
  appSecret: 'Kingdee.BOS.WebApi.ServicesStub.AuthService.LoginByAppSecret',
} as const;

/**
 * Sessions are keyed by everything that identifies a login, secret included (hashed), so a
 * changed password or a second connection to the same site never reuses a wrong session.
 */
export function sessionKey(credentials: KingdeeCredentials): string {
  const identity = [
    normaliseServerUrl(credentials.serverUrl),
    credentials.acctId,
    credentials.username,
    credentials.authType,
    credentials.authType === 'password' ? (credentials.password ?? '') : `${credentials.appId ?? ''}:${credentials.appSecret ?? ''}`,
    credentials.lcid,
  ];
  return `kingdee:session:${createHash('sha256').update(JSON.stringify(identity)).digest('hex')}`;
}

/** Always ends with exactly one slash, so `${base}${service}.common.kdsvc` is right. */
export function normaliseServerUrl(serverUrl: string): string {
  return `${serverUrl.replace(/\/+$/, '')}/`;
}

export function loginBody(credentials: KingdeeCredentials): Record<string, unknown> {
  const { acctId, username, lcid } = credentials;
  const args =
    credentials.authType === 'password'
      ? { acctID: acctId, username, password: credentials.password ?? '', lcid }
      : { acctID: acctId, username, appid: credentials.appId ?? '', appsecret: credentials.appSecret ?? '', lcid };
  if (credentials.loginBodyForm === 'flat') return args;
  return {
    format: 1,
    useragent: 'ApiClient',
    rid: String(randomInt(1, 2 ** 31 - 1)),
    parameters: Object.values(args),
    timestamp: new Date().toISOString(),
    v: '1.0',
  };
}

const loginResponseSchema = z.looseObject({
  LoginResultType: z.union([z.number(), z.string()]).nullish(),
  Message: z.string().nullish(),
  KDSVCSessionId: z.string().nullish(),
  Context: z
    .looseObject({
      UserName: z.string().nullish(),
      UserId: z.union([z.number(), z.string()]).nullish(),
      DBid: z.string().nullish(),
      DataCenterName: z.string().nullish(),
    })
    .nullish(),
});

export interface LoginOutcome {
  ok: boolean;
  message: string | undefined;
  sessionId: string | undefined;
  userName: string | undefined;
  dataCentreId: string | undefined;
  dataCentreName: string | undefined;
}

/** Login answers its own shape, not the business envelope; success iff LoginResultType is 1. */
export function readLoginResponse(body: unknown): LoginOutcome | undefined {
  const parsed = loginResponseSchema.safeParse(body);
  if (!parsed.success || parsed.data.LoginResultType === undefined || parsed.data.LoginResultType === null) return undefined;
  const data = parsed.data;
  return {
    ok: Number(data.LoginResultType) === 1,
    message: data.Message ?? undefined,
    sessionId: data.KDSVCSessionId ?? undefined,
    userName: data.Context?.UserName ?? undefined,
    dataCentreId: data.Context?.DBid ?? undefined,
    dataCentreName: data.Context?.DataCenterName ?? undefined,
  };
}
