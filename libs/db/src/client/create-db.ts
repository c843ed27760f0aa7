import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export interface CreateDbOptions {
  databaseUrl: string;
  /** Connections in this process' pool (pg's default is 10). */
  poolMax?: number;
}

export interface Db {
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** One Prisma client over a pg pool (driver adapter: no native query engine). */
export function createDb(options: CreateDbOptions): Db {
  const adapter = new PrismaPg({
    connectionString: options.databaseUrl,
    ...(options.poolMax === undefined ? {} : { max: options.poolMax }),
  });
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
    close: () => prisma.$disconnect(),
  };
}
