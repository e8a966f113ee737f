import type { FastifyReply, FastifyRequest } from 'fastify';
// Brings in the cookie augmentation of FastifyRequest/FastifyReply wherever this file is type-checked (also from the web app).
import type {} from '@fastify/cookie';
import type { PrismaClient, Role } from '@qiao/db';
import type { AcceptDeps, Logger, SecretBox, StepQueue } from '@qiao/runtime';
import type { LoginThrottle } from '../auth/login-throttle';
import type { ApiKeyVerifier } from '../gateway/api-keys';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  sessionId: string;
}

/** Long-lived services the procedures use; built once in main.ts, or by tests. */
export interface Services {
  prisma: PrismaClient;
  box: SecretBox;
  queue: StepQueue;
  logger: Logger;
  verifier: ApiKeyVerifier;
  /** Failed-login counts in Redis, shared by every server process. */
  loginThrottle: LoginThrottle;
  sessionTtlMs: number;
  cookieSecure: boolean;
  production: boolean;
  /** Eager execution of accepted events' entry steps in this process (off when absent). */
  eager?: AcceptDeps['eager'];
}

export interface Context {
  services: Services;
  user: SessionUser | null;
  ip: string | null;
  userAgent: string | null;
  /** Present over HTTP; absent when procedures are called directly (tests). */
  setCookie?: (name: string, value: string, options: { maxAgeSeconds: number }) => void;
  clearCookie?: (name: string) => void;
}

export const SESSION_COOKIE = 'qiao_session';

export interface HttpContextArgs {
  req: FastifyRequest;
  res: FastifyReply;
  services: Services;
  resolveUser: (token: string | undefined) => Promise<SessionUser | null>;
}

export async function createHttpContext({ req, res, services, resolveUser }: HttpContextArgs): Promise<Context> {
  const token = req.cookies[SESSION_COOKIE];
  return {
    services,
    user: await resolveUser(token),
    ip: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
    setCookie: (name, value, { maxAgeSeconds }) => {
      void res.setCookie(name, value, { httpOnly: true, sameSite: 'strict', secure: services.cookieSecure, path: '/', maxAge: maxAgeSeconds });
    },
    clearCookie: (name) => {
      void res.clearCookie(name, { path: '/' });
    },
  };
}
