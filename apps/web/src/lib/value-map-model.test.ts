import { describe, expect, it } from 'vitest';
import { importRows, invalidRows, nameProblem, newMapName, parseDelimited, valueMapsOf } from './value-map-model';

describe('parseDelimited', () => {
  it('reads tab-separated rows as Excel copies them, quoted cells included', () => {
    expect(parseDelimited('C001\tERP-1\r\nC002\t"multi\nline"\r\n\r\n')).toEqual([['C001', 'ERP-1'], ['C002', 'multi\nline']]);
  });

  it('reads CSV with quotes and doubled quotes when there are no tabs', () => {
    expect(parseDelimited('code,number\n"A,1","say ""hi"""\nB,2')).toEqual([['code', 'number'], ['A,1', 'say "hi"'], ['B', '2']]);
  });
});

describe('importRows', () => {
  it('appends new keys, updates existing ones in place, skips blank keys and a header', () => {
    const result = importRows([{ key: 'A', value: 'old' }], [['key', 'value'], ['A', 'new'], [' B ', ' 2 '], ['', 'x'], ['C']], { skipHeader: true });
    expect(result.entries).toEqual([{ key: 'A', value: 'new' }, { key: 'B', value: '2' }]);
    expect(result).toMatchObject({ added: 1, updated: 1, skipped: 2 });
  });
});

describe('checks', () => {
  it('finds empty and repeated keys', () => {
    const { empty, duplicate } = invalidRows([{ key: 'a', value: '' }, { key: '', value: '' }, { key: 'a', value: '' }]);
    expect([...empty]).toEqual([1]);
    expect([...duplicate]).toEqual([2]);
  });

  it('judges map names like the flow schema', () => {
    expect(nameProblem('customers', [])).toBeNull();
    expect(nameProblem('', [])).toBe('empty');
    expect(nameProblem('has space', [])).toBe('pattern');
    expect(nameProblem('__proto__', [])).toBe('reserved');
    expect(nameProblem('a', ['a'])).toBe('taken');
    expect(newMapName(['map', 'map_2'])).toBe('map_3');
  });

  it('reads maps out of a draft defensively', () => {
    expect(valueMapsOf({ valueMaps: [{ name: 'm', entries: [{ key: 'a', value: 'b' }, { key: 1 }] }, 'junk'] })).toEqual([{ name: 'm', entries: [{ key: 'a', value: 'b' }] }]);
    expect(valueMapsOf({})).toEqual([]);
  });
});
