import type { Pool } from 'pg';
import { DOCUMENT_FORMS } from '../forms/registry';

export interface FormCounts {
  total: number;
  byStatus: Record<string, number>;
}

export interface DocumentStats {
  documents: Record<string, FormCounts>;
  /** FBillNo values stored more than once within a form (the unique index should keep this at 0). */
  duplicates: number;
  /** F_QIAO_ExtNo values stored more than once within a form: what a blind retry without a unique key leaves behind. */
  duplicateExtNos: number;
  /** Source entries linked to more than one target under the same rule. */
  pushedTwice: number;
}

export async function documentStats(pool: Pool): Promise<DocumentStats> {
  const [counts, dupNo, dupExt, twice] = await Promise.all([
    pool.query<{ formId: string; status: string; n: number }>(
      'SELECT form_id AS "formId", status, count(*)::int AS n FROM k3sim.bill GROUP BY form_id, status',
    ),
    pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM (SELECT 1 FROM k3sim.bill GROUP BY form_id, bill_no HAVING count(*) > 1) d',
    ),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM k3sim.bill WHERE ext_no IS NOT NULL
         GROUP BY form_id, ext_no HAVING count(*) > 1) d`,
    ),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM k3sim.bill_link
         GROUP BY source_entry_id, rule_id HAVING count(*) > 1) d`,
    ),
  ]);
  const documents: Record<string, FormCounts> = {};
  for (const form of DOCUMENT_FORMS) documents[form.formId] = { total: 0, byStatus: {} };
  for (const row of counts.rows) {
    const entry = (documents[row.formId] ??= { total: 0, byStatus: {} });
    entry.total += row.n;
    entry.byStatus[row.status] = row.n;
  }
  return {
    documents,
    duplicates: dupNo.rows[0]?.n ?? 0,
    duplicateExtNos: dupExt.rows[0]?.n ?? 0,
    pushedTwice: twice.rows[0]?.n ?? 0,
  };
}
