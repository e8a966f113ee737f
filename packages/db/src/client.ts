// The one way apps get a Prisma client: Prisma 7's query compiler over node-postgres, no engine binary.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/client';

export interface CreatePrismaOptions {
  /** Connection pool size (node-postgres default: 10). */
  max?: number;
}

export function createPrisma(databaseUrl: string, opts: CreatePrismaOptions = {}): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    ...(opts.max === undefined ? {} : { max: opts.max }),
  });
  return new PrismaClient({ adapter });
}
