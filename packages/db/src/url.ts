// Helpers for postgres:// connection strings. Callers pass URLs; this package never reads the environment.

/** The database a connection string points at (libpq's rule: no path means the user's name). */
export function databaseNameFromUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (name !== '') return name;
  const user = decodeURIComponent(url.username);
  if (user !== '') return user;
  throw new Error(`Connection string names no database and no user: ${redactUrl(databaseUrl)}`);
}

/** The same server, credentials and options, but another database. */
export function withDatabase(databaseUrl: string, databaseName: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(databaseName)}`;
  return url.toString();
}

/** The URL without its password, for messages and logs. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable connection string>';
  }
}

/** A PostgreSQL identifier in double quotes, for names that cannot be bound as parameters. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
