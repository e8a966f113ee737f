import { describe, expect, it } from 'vitest';
import type { QueryField } from '../forms/types';
import { FilterSyntaxError, UnknownFieldError } from './filter-ast';
import { tokenize } from './filter-lexer';
import { parseFilter } from './filter-parser';
import { compileFilter } from './filter-sql';
import { parseOrder } from './order-parser';
import { SqlParams } from './sql-params';
import { window } from './build-query';

const FIELDS: Record<string, QueryField> = {
  fbillno: { sql: 'b.bill_no', level: 'header', type: 'text' },
  fqty: { sql: 'e.qty', level: 'entry', type: 'number' },
  fdate: { sql: 'b.bill_date', level: 'header', type: 'date' },
  'fcustid.fnumber': { sql: 'b.customer', level: 'header', type: 'text' },
  fdocumentstatus: { sql: 'b.status', level: 'header', type: 'text' },
  fid: { sql: 'b.id', level: 'header', type: 'int' },
};

function compile(filter: string): { sql: string; params: unknown[] } {
  const node = parseFilter(filter);
  const params = new SqlParams();
  const sql = node
    ? compileFilter(
        node,
        (name) => {
          const f = FIELDS[name.toLowerCase()];
          if (!f) throw new UnknownFieldError(name);
          return f;
        },
        params,
      )
    : 'TRUE';
  return { sql, params: params.values };
}

describe('tokenize', () => {
  it('reads dotted field keys, strings with escaped quotes, N-literals and operators', () => {
    const tokens = tokenize("FCustId.FNumber = N'O''Brien' and FQty>=-1.5");
    expect(tokens.map((t) => t.type)).toEqual(['ident', 'op', 'string', 'keyword', 'ident', 'op', 'number', 'eof']);
    expect(tokens[2]).toMatchObject({ value: "O'Brien" });
    expect(tokens[6]).toMatchObject({ value: '-1.5' });
  });

  it('rejects an unterminated string and stray characters', () => {
    expect(() => tokenize("FBillNo = 'abc")).toThrow(FilterSyntaxError);
    expect(() => tokenize('FBillNo ; drop')).toThrow(FilterSyntaxError);
  });
});

describe('parseFilter', () => {
  it('returns null for an empty filter', () => {
    expect(parseFilter('')).toBeNull();
    expect(parseFilter('   ')).toBeNull();
  });

  it('parses a comparison', () => {
    expect(parseFilter("FBillNo = 'XSDD000001'")).toEqual({
      type: 'compare',
      left: { kind: 'field', name: 'FBillNo' },
      op: '=',
      right: { kind: 'string', value: 'XSDD000001' },
    });
  });

  it('normalises != to <>', () => {
    expect(parseFilter('FQty != 3')).toMatchObject({ op: '<>' });
  });

  it('gives AND precedence over OR, and honours parentheses', () => {
    expect(parseFilter("FBillNo = 'a' or FBillNo = 'b' and FQty > 1")).toMatchObject({
      type: 'or',
      right: { type: 'and' },
    });
    expect(parseFilter("(FBillNo = 'a' or FBillNo = 'b') and FQty > 1")).toMatchObject({
      type: 'and',
      left: { type: 'or' },
    });
  });

  it('parses in, not in, like, not like, is null, is not null, not', () => {
    expect(parseFilter("FDocumentStatus in ('A','B', 'C')")).toMatchObject({ type: 'in', negated: false, values: [{ value: 'A' }, { value: 'B' }, { value: 'C' }] });
    expect(parseFilter('FQty not in (1, 2)')).toMatchObject({ type: 'in', negated: true });
    expect(parseFilter("FBillNo LIKE 'XSDD%'")).toMatchObject({ type: 'like', negated: false });
    expect(parseFilter("FBillNo not like '%9'")).toMatchObject({ type: 'like', negated: true });
    expect(parseFilter('FDate is null')).toMatchObject({ type: 'isNull', negated: false });
    expect(parseFilter('FDate IS NOT NULL')).toMatchObject({ type: 'isNull', negated: true });
    expect(parseFilter("not FBillNo = 'x'")).toMatchObject({ type: 'not' });
  });

  it('accepts the 1=1 idiom', () => {
    expect(parseFilter("1=1 and FBillNo = 'x'")).toMatchObject({ type: 'and', left: { type: 'compare', left: { kind: 'number' } } });
  });

  it('reports syntax errors with a position', () => {
    expect(() => parseFilter('FBillNo =')).toThrow(FilterSyntaxError);
    expect(() => parseFilter("FBillNo = 'a' and")).toThrow(FilterSyntaxError);
    expect(() => parseFilter("(FBillNo = 'a'")).toThrow(/缺少 \)/);
    expect(() => parseFilter("FBillNo 'a'")).toThrow(FilterSyntaxError);
    expect(() => parseFilter("FBillNo = 'a' FQty = 1")).toThrow(/多余/);
    expect(() => parseFilter('FQty in ()')).toThrow(FilterSyntaxError);
  });
});

describe('compileFilter', () => {
  it('turns literals into typed parameters, never SQL text', () => {
    const { sql, params } = compile("FBillNo = 'x''; DROP TABLE k3sim.bill; --' and FQty >= 2.5");
    expect(sql).toBe('((b.bill_no = $1::text) AND (e.qty >= $2::numeric))');
    expect(params).toEqual(["x'; DROP TABLE k3sim.bill; --", '2.5']);
  });

  it('compiles in/like/null forms', () => {
    expect(compile("FDocumentStatus in ('A','B')").sql).toBe('(b.status IN ($1::text, $2::text))');
    expect(compile("FQty like '1%'").sql).toBe('((e.qty)::text LIKE $1::text)');
    expect(compile('FDate = null').sql).toBe('(b.bill_date IS NULL)');
    expect(compile("FDate >= '2025-01-01'").sql).toBe('(b.bill_date >= $1::date)');
  });

  it('compares integer keys as bigint (index-friendly) and other numbers as numeric', () => {
    expect(compile('FID = 100001').sql).toBe('(b.id = $1::bigint)');
    expect(compile('FID in (1, 2.5)').sql).toBe('(b.id IN ($1::bigint, $2::numeric))');
  });

  it('compares two fields and two literals', () => {
    expect(compile('FQty > FQty').sql).toBe('(e.qty > e.qty)');
    expect(compile('1 = 1').sql).toBe('($1::numeric = $2::numeric)');
  });

  it('rejects unknown fields', () => {
    expect(() => compile("FNoSuchField = 'x'")).toThrow(UnknownFieldError);
    expect(() => compile("FBillNo = 'x' or FOther in (1)")).toThrow(/FOther/);
  });
});

describe('parseOrder', () => {
  it('parses keys with directions', () => {
    expect(parseOrder('FBillNo desc, FDate ASC,FQty')).toEqual([
      { field: 'FBillNo', descending: true },
      { field: 'FDate', descending: false },
      { field: 'FQty', descending: false },
    ]);
    expect(parseOrder('')).toEqual([]);
    expect(() => parseOrder('FBillNo; drop')).toThrow(FilterSyntaxError);
  });
});

describe('window', () => {
  it('defaults to 2000 rows and caps Limit at 10000', () => {
    expect(window({ startRow: 0, limit: 0, topRowCount: 0 })).toEqual({ offset: 0, limit: 2000 });
    expect(window({ startRow: 5, limit: 50_000, topRowCount: 0 })).toEqual({ offset: 5, limit: 10000 });
  });

  it('clips the page to TopRowCount', () => {
    expect(window({ startRow: 0, limit: 2000, topRowCount: 5 })).toEqual({ offset: 0, limit: 5 });
    expect(window({ startRow: 4, limit: 3, topRowCount: 5 })).toEqual({ offset: 4, limit: 1 });
    expect(window({ startRow: 10, limit: 3, topRowCount: 5 })).toEqual({ offset: 10, limit: 0 });
  });
});
