import { describe, expect, it } from 'vitest';
import { databaseNameFromUrl, quoteIdent, redactUrl, withDatabase } from './url';

describe('connection string helpers', () => {
  it('reads the database name, decoding it, and falls back to the user like libpq', () => {
    expect(databaseNameFromUrl('postgres://root@127.0.0.1:5432/qiao')).toBe('qiao');
    expect(databaseNameFromUrl('postgresql://u:p@h/qiao%20dev?sslmode=disable')).toBe('qiao dev');
    expect(databaseNameFromUrl('postgres://root@127.0.0.1:5432')).toBe('root');
    expect(() => databaseNameFromUrl('postgres://127.0.0.1:5432/')).toThrow(/no database/);
  });

  it('swaps the database and keeps credentials and options', () => {
    expect(withDatabase('postgres://u:p%40ss@h:5433/qiao?sslmode=require', 'postgres')).toBe(
      'postgres://u:p%40ss@h:5433/postgres?sslmode=require',
    );
    expect(withDatabase('postgres://root@h', 'qiao_test_1')).toBe('postgres://root@h/qiao_test_1');
  });

  it('hides passwords and quotes identifiers', () => {
    expect(redactUrl('postgres://u:secret@h/db')).toBe('postgres://u:***@h/db');
    expect(quoteIdent('we"ird')).toBe('"we""ird"');
  });
});
