// SQLSTATE codes the migrator and the database helpers react to.
export const PG_INVALID_CATALOG_NAME = '3D000'; // database does not exist
export const PG_DUPLICATE_DATABASE = '42P04';
export const PG_UNIQUE_VIOLATION = '23505'; // also raised by pg_database when two CREATE DATABASE race

export function pgErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}
