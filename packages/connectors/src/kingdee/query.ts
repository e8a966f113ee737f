import { ConnectorError } from '../kit/errors/connector-error';
import { envelopeError, readEnvelope } from './envelope';
import { SYSTEM } from './errors';
import type { KingdeeTransport } from './transport';

export const QUERY_SERVICE = 'DynamicFormService.ExecuteBillQuery';
/** Kingdee documents 10000 as the maximum page; 2000 is what sites reliably serve. */
export const DEFAULT_PAGE_SIZE = 2000;

export interface BillQuery {
  formId: string;
  fieldKeys: readonly string[];
  filter?: string | undefined;
  orderBy?: string | undefined;
  /** Total cap across pages; unlimited when absent. */
  limit?: number | undefined;
  pageSize?: number | undefined;
}

/**
 * ExecuteBillQuery answers a bare 2-D array with no field names and no total, so rows are keyed
 * by the requested field keys and pages are fetched (StartRow += page) until a short page.
 */
export async function executeBillQuery(transport: KingdeeTransport, query: BillQuery): Promise<Record<string, unknown>[]> {
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  const rows: Record<string, unknown>[] = [];
  for (;;) {
    const remaining = query.limit === undefined ? pageSize : Math.min(pageSize, query.limit - rows.length);
    if (remaining <= 0) break;
    const body = await transport.call(QUERY_SERVICE, {
      data: {
        FormId: query.formId,
        FieldKeys: query.fieldKeys.join(','),
        FilterString: query.filter ?? '',
        OrderString: query.orderBy ?? '',
        TopRowCount: 0,
        StartRow: rows.length,
        Limit: remaining,
        SubSystemId: '',
      },
    });
    const page = readRows(body, query.formId);
    for (const row of page) rows.push(toRecord(row, query.fieldKeys));
    if (page.length < remaining) break;
  }
  return rows;
}

function readRows(body: unknown, formId: string): unknown[][] {
  const envelope = readEnvelope(body);
  if (envelope && !envelope.isSuccess) throw envelopeError(envelope, `ExecuteBillQuery ${formId}`);
  if (Array.isArray(body) && body.every((row) => Array.isArray(row))) return body;
  throw new ConnectorError({
    system: SYSTEM,
    code: 'bad_response',
    message: `Kingdee ExecuteBillQuery ${formId} did not answer a 2-D array`,
    retryable: false,
    detail: { body },
  });
}

function toRecord(row: readonly unknown[], fieldKeys: readonly string[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  fieldKeys.forEach((key, index) => {
    record[key] = index < row.length ? row[index] : null;
  });
  return record;
}

/** A literal for a FilterString: single-quoted with quotes doubled, as the SQL-like syntax expects. */
export function filterLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `F='a'` for one value, `F IN ('a','b')` for several. */
export function filterEquals(field: string, values: readonly string[]): string {
  const [only] = values;
  if (values.length === 1 && only !== undefined) return `${field}=${filterLiteral(only)}`;
  return `${field} IN (${values.map(filterLiteral).join(',')})`;
}
