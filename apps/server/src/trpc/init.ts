import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Role } from '@qiao/db';
import type { Context, SessionUser } from './context';

/** Who may call a procedure. Every procedure declares one; there is no default. */
export type Access = { public: true } | { roles: readonly Role[] };

export interface Meta {
  access: Access;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      const issues = cause instanceof ZodError ? cause.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : undefined;
      // Internal errors never show their text or stack to the browser; the log has them.
      const message = error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal error; see the server log.' : issues ? `Invalid input: ${issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; ')}` : shape.message;
      const { stack: _stack, ...data } = shape.data;
      return { ...shape, message, data: { ...data, ...(issues ? { issues } : {}), ...(error.cause && 'details' in error.cause ? { details: error.cause.details } : {}) } };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** A procedure for anyone, signed in or not (login). */
export const publicProcedure = t.procedure.meta({ access: { public: true } });

/** A procedure for signed-in users holding at least one of `roles`. */
export function procedure(roles: readonly Role[]) {
  return t.procedure.meta({ access: { roles } }).use(({ ctx, next }) => {
    if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in.' });
    const user: SessionUser = ctx.user;
    if (!user.roles.some((r) => roles.includes(r))) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This needs one of the roles: ${roles.join(', ')}.` });
    }
    return next({ ctx: { ...ctx, user } });
  });
}

/** An error whose structured details (e.g. compile errors) reach the client in `data.details`. */
export function detailedError(code: 'BAD_REQUEST' | 'NOT_FOUND' | 'CONFLICT', message: string, details: unknown): TRPCError {
  const cause = Object.assign(new Error(message), { details });
  return new TRPCError({ code, message, cause });
}
