import { describe, expect, it } from 'vitest';
import { checkRegex, LinearRegExp, searchCost } from './regex-engine';

interface Execable {
  lastIndex: number;
  exec(s: string): RegExpExecArray | null;
}

/** Every match the way JSONata walks them: exec from lastIndex until there is no match. */
function allMatches(re: Execable, input: string): unknown[] {
  const out: unknown[] = [];
  re.lastIndex = 0;
  for (let k = 0; k < 100; k++) {
    const m = re.exec(input);
    if (!m) break;
    out.push({ index: m.index, groups: [...m], lastIndex: re.lastIndex });
    if (m[0] === '') {
      if (re.lastIndex >= input.length) break;
      re.lastIndex++;
    }
  }
  return out;
}

function jsonataRegex(source: string, flags = ''): RegExp {
  return new RegExp(source, `${flags}g`); // JSONata always adds g
}

describe('LinearRegExp', () => {
  it.each([
    ['(\\d+)-(\\d+)', '', 'a 12-34 b 5-6'],
    ['(a|ab)(c|bcd)(d*)', '', 'abcd'],
    ['(a)|(b)', '', 'ab'],
    ['^SO-[0-9]+$', '', 'SO-1001'],
    ['^abc$', 'm', 'x\nabc\nabc'],
    ['^$', 'm', 'a\n\nb'],
    ['a$', '', 'a\na'],
    ['.+', '', 'ab\ncd\r\nef\u2028gh'],
    ['\\s+', '', 'a \u3000b\u00a0c\td\ufeffe'],
    ['\\S+', '', 'a \u3000b\u00a0c'],
    ['[\\s,]+', '', 'a, \u3000b'],
    ['[^\\s]+', '', 'a \u3000b'],
    ['hello', 'i', 'HELLO Hello hello'],
    ['[\\u4e00-\\u9fa5]+', '', 'abc中文def汉字'],
    ['\\bfoo\\b', '', 'foo foobar foo'],
    ['a*?', '', 'aaa'],
    ['x*', '', 'axxb'],
    ['(?<y>\\d{4})-(?<m>\\d\\d)', '', '2024-05, 2025-12'],
    ['(?:ab)+', '', 'ababxab'],
    ['[]', '', 'abc'],
    ['[^]', '', 'ab'],
    ['[\\b]', '', 'a\bb'],
    ['[[:alpha:]]', '', 'a]:['],
    ['\\/', '', 'a/b'],
    ['\\cJ', '', 'a\nb'],
    ['\\x41\\u0042', '', 'xABy'],
    ['a{,5}', '', 'a{,5}'],
    ['x{', '', 'x{'],
    ['[\\d-z]+', '', '1-z'],
    ['\\a\\z\\Q', '', 'azQ'],
    ['😀|.', '', 'a😀b'],
    ['[a-z]+', 'i', 'Mixed CASE'],
  ])('matches /%s/%s like RegExp on %j', (source, flags, input) => {
    expect(checkRegex(jsonataRegex(source, flags))).toBeUndefined();
    expect(allMatches(new LinearRegExp(jsonataRegex(source, flags)), input)).toEqual(allMatches(jsonataRegex(source, flags), input));
  });

  it('returns undefined for groups that took no part, and the input', () => {
    const m = new LinearRegExp(jsonataRegex('(a)|(b)')).exec('b');
    expect(m && [...m]).toEqual(['b', undefined, 'b']);
    expect(m?.index).toBe(0);
    expect(m?.input).toBe('b');
  });

  it('searches from lastIndex, keeps ^ at the start of the text, and resets lastIndex after the last match', () => {
    const re = new LinearRegExp(jsonataRegex('^a|b'));
    re.lastIndex = 1;
    expect(re.exec('aab')?.index).toBe(2);
    expect(re.lastIndex).toBe(3);
    expect(re.exec('aab')).toBeNull();
    expect(re.lastIndex).toBe(0);
    re.lastIndex = 10;
    expect(re.exec('aab')).toBeNull();
  });

  it('counts positions in UTF-16 code units, as JavaScript strings do', () => {
    const re = new LinearRegExp(jsonataRegex('b'));
    expect(re.exec('😀中b')?.index).toBe(3);
    expect(re.lastIndex).toBe(4);
  });

  it('differs from RegExp where RE2 knows better or cannot follow (documented in the README)', () => {
    // Multiline ^ and $ see only \n as a line break (JavaScript also \r, \u2028, \u2029).
    expect(allMatches(new LinearRegExp(jsonataRegex('^abc$', 'm')), 'abc\r\nabc')).toEqual([{ index: 5, groups: ['abc'], lastIndex: 8 }]);
    // A group inside a repetition keeps its last value (JavaScript clears it on every iteration).
    expect([...(new LinearRegExp(jsonataRegex('(a|(b))+')).exec('ba') ?? [])]).toEqual(['ba', 'a', 'b']);
    // \p{…} is a Unicode class (JavaScript without the u flag reads the letter p).
    expect(new LinearRegExp(jsonataRegex('\\p{Han}+')).exec('ab中文')?.[0]).toBe('中文');
  });

  it('takes linear time on patterns that make backtracking engines explode', () => {
    for (const [source, input] of [
      ['^(a|aa)+$', `${'a'.repeat(5000)}b`],
      ['(a+)+$', `${'a'.repeat(5000)}b`],
      ['(x+x+)+y', 'x'.repeat(5000)],
      ['(\\w+\\s?)+$', `${'word '.repeat(1000)}!`],
    ] as const) {
      const started = performance.now();
      expect(allMatches(new LinearRegExp(jsonataRegex(source)), input)).toEqual([]);
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('consults the guard before every search with its worst-case cost', () => {
    const costs: number[] = [];
    const re = new LinearRegExp(jsonataRegex('a'), ({ cost }) => costs.push(cost));
    allMatches(re, 'aaa');
    // Three matches and the search that finds none, each costed on the text left to search.
    const unit = costs[2] ?? 0;
    expect(unit).toBeGreaterThan(0);
    expect(costs).toEqual([3 * unit, 2 * unit, unit, 0]);
    expect(searchCost(10, 1000)).toBe(30_000); // (program size + per-character overhead) × characters
    const stop = new LinearRegExp(jsonataRegex('a'), () => {
      throw new Error('stop');
    });
    expect(() => stop.exec('a')).toThrow('stop');
  });
});

describe('checkRegex', () => {
  it.each([
    ['(a)\\1', 'backreference'],
    ['(?<x>a)\\k<x>', 'backreference'],
    ['a(?=b)', 'lookahead'],
    ['a(?!b)', 'lookahead'],
    ['(?<=a)b', 'lookbehind'],
    ['(?<!a)b', 'lookbehind'],
    ['a{1001}', 'repeat_count'],
    ['(a{100}){100}', 'repeat_count'],
    ['[\\1]', 'invalid'],
  ])('/%s/ → %s', (source, kind) => {
    expect(checkRegex(jsonataRegex(source))).toMatchObject({ kind });
  });

  it('does not mistake escaped or bracketed text for those constructs', () => {
    for (const source of ['\\(?=a\\)', '[(?=]a', '\\\\1', 'a\\k<b>', '[\\s\\S]', '(a+)+$']) {
      expect(checkRegex(jsonataRegex(source))).toBeUndefined();
    }
  });

  it('refuses when constructing a regex RE2 cannot run', () => {
    expect(() => new LinearRegExp(jsonataRegex('(a)\\1'))).toThrow(/not supported/);
  });
});
