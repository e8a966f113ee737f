import type { FastifyReply } from 'fastify';

export interface ProblemField {
  path: string;
  message: string;
}

/** RFC 9457 problem details: every gateway error is machine-readable and names what was wrong. */
export interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: ProblemField[];
}

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply
    .code(problem.status)
    .type('application/problem+json; charset=utf-8')
    .send({ type: 'about:blank', ...problem });
}
