import { randomUUID } from 'node:crypto';
import { DATA_CENTER, DEMO_APP, DEMO_USER, ORGANIZATIONS, SUPPORTED_LCIDS } from '../seed-data';
import type { Session } from '../session';
import type { ServiceCall, ServiceOutcome, SimContext } from './context';
import type { Json } from './request';
import { asInt, asString, isObject, pick } from './request';

interface LoginFields {
  acctId: string;
  username: string;
  password: string;
  appId: string;
  appSecret: string;
  lcid: number;
}

/**
 * Both body forms: the old envelope `{"parameters":[…]}` and flat keys. Key case does not matter, so
 * acctID/acctId and appid/appId/appsecret/appSecret all resolve.
 */
function loginFields(body: unknown, kind: 'password' | 'appSecret'): LoginFields {
  const obj: Json = isObject(body) ? body : {};
  const params = pick(obj, 'parameters');
  const text = (v: unknown): string => asString(v)?.trim() ?? '';
  if (Array.isArray(params)) {
    const [acct, user, third, fourth, fifth] = params as unknown[];
    return kind === 'password'
      ? { acctId: text(acct), username: text(user), password: text(third), appId: '', appSecret: '', lcid: asInt(fourth, 2052) }
      : { acctId: text(acct), username: text(user), password: '', appId: text(third), appSecret: text(fourth), lcid: asInt(fifth, 2052) };
  }
  return {
    acctId: text(pick(obj, 'acctId')),
    username: text(pick(obj, 'username')),
    password: text(pick(obj, 'password')),
    appId: text(pick(obj, 'appId')),
    appSecret: text(pick(obj, 'appSecret')),
    lcid: asInt(pick(obj, 'lcid'), 2052),
  };
}

function loginFailure(message: string): ServiceOutcome {
  return {
    body: {
      Message: message,
      MessageCode: 'LoginFailed',
      LoginResultType: 0,
      Context: null,
      KDSVCSessionId: null,
      FormId: null,
      RedirectFormParam: null,
      FormInputObject: null,
      ErrorStackTrace: null,
      Lcid: 0,
      AccessToken: null,
      KdAccessResult: null,
      IsSuccessByAPI: false,
    },
  };
}

function loginSuccess(session: Session): ServiceOutcome {
  const org = ORGANIZATIONS[0];
  const locale = session.lcid === 1033 ? 'en-US' : 'zh-CN';
  return {
    setCookies: [`kdservice-sessionid=${session.kdsvcId}; Path=/`, `ASP.NET_SessionId=${session.aspNetId}; Path=/; HttpOnly`],
    body: {
      Message: null,
      MessageCode: 'CheckPasswordPolicy',
      LoginResultType: 1,
      Context: {
        UserLocale: locale,
        LogLocale: locale,
        DBid: session.acctId,
        DatabaseType: 3,
        SessionId: session.aspNetId,
        UseLanguages: [
          { LocaleId: 2052, LocaleName: '中文(简体/中国)', Alias: 'CN' },
          { LocaleId: 1033, LocaleName: 'English', Alias: 'EN' },
        ],
        UserId: DEMO_USER.userId,
        UserName: session.username,
        CustomName: DATA_CENTER.name,
        DisplayVersion: '9.1.0.20250807',
        DataCenterName: DATA_CENTER.name,
        DataCenterNumber: DATA_CENTER.number,
        UserToken: randomUUID(),
        CurrentOrganizationInfo: { ID: org.id, AcctOrgType: '1', Name: org.name, FunctionIds: [101, 102, 103, 104, 107, 108, 109, 110] },
        IsCH_ZH_AutoTrans: false,
        ClientType: 32,
        WeiboAuthInfo: null,
        GDCID: '',
        Gsid: null,
        TRLevel: 0,
        ProductEdition: 0,
      },
      KDSVCSessionId: session.kdsvcId,
      FormId: null,
      RedirectFormParam: null,
      FormInputObject: null,
      ErrorStackTrace: null,
      Lcid: session.lcid,
      AccessToken: null,
      KdAccessResult: null,
      IsSuccessByAPI: true,
    },
  };
}

function commonChecks(fields: LoginFields): string | null {
  if (fields.acctId !== DATA_CENTER.id) return `数据中心“${fields.acctId}”不存在`;
  if (!SUPPORTED_LCIDS.includes(fields.lcid)) return `不支持的语言标识 ${fields.lcid}`;
  return null;
}

export async function validateUser(ctx: SimContext, call: ServiceCall): Promise<ServiceOutcome> {
  const fields = loginFields(call.body, 'password');
  const problem = commonChecks(fields);
  if (problem) return loginFailure(problem);
  if (fields.username !== DEMO_USER.username || fields.password !== DEMO_USER.password) {
    return loginFailure('用户名或密码错误！');
  }
  return loginSuccess(ctx.sessions.create(fields.username, fields.acctId, fields.lcid));
}

export async function loginByAppSecret(ctx: SimContext, call: ServiceCall): Promise<ServiceOutcome> {
  const fields = loginFields(call.body, 'appSecret');
  const problem = commonChecks(fields);
  if (problem) return loginFailure(problem);
  if (fields.appId !== DEMO_APP.appId || fields.appSecret !== DEMO_APP.appSecret) {
    return loginFailure('第三方系统登录授权验证失败：应用ID或应用密钥错误');
  }
  if (fields.username !== DEMO_USER.username) return loginFailure(`用户“${fields.username}”不存在`);
  return loginSuccess(ctx.sessions.create(fields.username, fields.acctId, fields.lcid));
}

export async function logOut(ctx: SimContext, call: ServiceCall): Promise<ServiceOutcome> {
  if (call.session) ctx.sessions.remove(call.session);
  return { body: true };
}

export async function getDataCenterList(): Promise<ServiceOutcome> {
  return {
    body: [{ Id: DATA_CENTER.id, Number: DATA_CENTER.number, Name: DATA_CENTER.name, DatabaseType: 3, Lcid: 2052, ProductType: 1 }],
  };
}
