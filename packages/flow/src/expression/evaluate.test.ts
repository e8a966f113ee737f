import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../errors';
import { evaluateCondition, evaluateExpression, type ExpressionContext } from './evaluate';

const context: ExpressionContext = {
  event: {
    id: 'evt-1',
    source: '/shop',
    type: 'com.qiao.sales_order.created',
    subject: 'SO-1001',
    time: '2024-05-01T08:00:00Z',
    data: {
      orderNo: 'SO-1001',
      amount: 62000,
      customer: { code: 'C-7' },
      lines: [
        { sku: 'M-1', qty: 2 },
        { sku: 'M-2', qty: 3 },
      ],
    },
  },
  steps: { saveOrder: { id: '100', number: 'XSDD-1' } },
};

async function failure(promise: Promise<unknown>): Promise<ExpressionError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  throw new Error('expected the expression to fail');
}

describe('evaluateExpression', () => {
  it('reads the event and step outputs by field and by variable', async () => {
    expect(await evaluateExpression('event.data.orderNo', context)).toBe('SO-1001');
    expect(await evaluateExpression('$event.data.customer.code', context)).toBe('C-7');
    expect(await evaluateExpression('steps.saveOrder.number', context)).toBe('XSDD-1');
    expect(await evaluateExpression('$steps.saveOrder.number', context)).toBe('XSDD-1');
    expect(await evaluateExpression('$sum(event.data.lines.qty)', context)).toBe(5);
  });

  it('reaches $steps inside a mapping, where bare names mean the current item', async () => {
    const out = await evaluateExpression('event.data.lines.{ "material": sku, "order": $steps.saveOrder.number, "steps": steps }', context);
    expect(out).toEqual([
      { material: 'M-1', order: 'XSDD-1' },
      { material: 'M-2', order: 'XSDD-1' },
    ]);
  });

  it('returns plain JSON: sequences become arrays, nothing selected is undefined', async () => {
    const skus = await evaluateExpression('event.data.lines.sku', context);
    expect(skus).toEqual(['M-1', 'M-2']);
    expect(Object.getPrototypeOf(skus)).toBe(Array.prototype);
    expect(Object.keys(skus as object)).toEqual(['0', '1']); // no JSONata `sequence` marker
    expect(await evaluateExpression('event.data.lines[sku = "M-2"].qty', context)).toBe(3);
    expect(await evaluateExpression('[event.data.lines[sku = "M-2"].qty]', context)).toEqual([3]);
    expect(await evaluateExpression('event.data.missing', context)).toBeUndefined();
    expect(await evaluateExpression('{ "a": event.data.missing, "b": 1 }', context)).toEqual({ b: 1 });
    expect(await evaluateExpression('function($x) { $x }', context)).toBeUndefined();
  });

  it('works without steps (the trigger filter context)', async () => {
    expect(await evaluateExpression('event.subject', { event: { subject: 'x' } })).toBe('x');
    expect(await evaluateExpression('$steps', { event: {} })).toEqual({});
  });

  it('reports run-time errors with position and JSONata code', async () => {
    const err = await failure(evaluateExpression('$number("abc")', context));
    expect(err.code).toBe('expression_error');
    expect(err.jsonataCode).toBe('D3030');
    expect(err.position).toBe(8);
    expect(err.expression).toBe('$number("abc")');
    expect(err.message.en).toContain("position 8");
    expect(err.message['zh-CN']).toContain("第 8 个字符");
  });

  it('reports syntax errors as expression errors', async () => {
    const err = await failure(evaluateExpression('event.(', context));
    expect(err).toMatchObject({ code: 'expression_error', jsonataCode: 'S0203' });
  });

  it('refuses $eval at run time as well', async () => {
    const err = await failure(evaluateExpression('$eval("steps")', context));
    expect(err.code).toBe('expression_error');
    expect(err.message.en).toContain('$eval');
  });

  it('keeps the guarded $pad faithful to JSONata', async () => {
    expect(await evaluateExpression('$pad("7", 3, "0")', context)).toBe('700');
    expect(await evaluateExpression('$pad("7", -3, "0")', context)).toBe('007');
    expect(await evaluateExpression('$pad("ab", 5, "xy")', context)).toBe('abxyx');
    expect(await evaluateExpression('$pad("abcdef", 3)', context)).toBe('abcdef');
    expect(await evaluateExpression('$pad("中", -3, "文")', context)).toBe('文文中');
  });
});

describe('evaluateCondition', () => {
  it('returns booleans', async () => {
    expect(await evaluateCondition('event.data.amount > 50000', context)).toBe(true);
    expect(await evaluateCondition('steps.saveOrder.number = "nope"', context)).toBe(false);
  });

  it('is strict: any non-boolean result, including nothing, is an error', async () => {
    const notBool = await failure(evaluateCondition('event.data.orderNo', context));
    expect(notBool.code).toBe('expression_error');
    expect(notBool.message.en).toContain('true or false');
    expect(notBool.message.en).toContain('string');
    expect(notBool.message['zh-CN']).toContain('字符串');
    const nothing = await failure(evaluateCondition('event.data.flag', context));
    expect(nothing.message.en).toContain('undefined');
    expect(await evaluateCondition('$exists(event.data.flag)', context)).toBe(false);
  });
});

describe('limits', () => {
  it('stops infinite tail recursion by time (JSONata turns tail calls into a loop)', async () => {
    const err = await failure(evaluateExpression('($f := function($x){ $f($x) }; $f(1))', context, { timeoutMs: 50 }));
    expect(err.code).toBe('expression_timeout');
    expect(err.message.en).toContain('50 ms');
    expect(err.message['zh-CN']).toContain('50 毫秒');
  });

  it('measures time with the injected clock', async () => {
    let t = 0;
    const now = (): number => (t += 1); // every reading advances 1 ms
    const loop = '$sum([1..5000].($ * 2))';
    const err = await failure(evaluateExpression(loop, context, { timeoutMs: 100, now }));
    expect(err.code).toBe('expression_timeout');
    // The same work passes with a budget that covers it.
    t = 0;
    expect(await evaluateExpression(loop, context, { timeoutMs: 1_000_000, now })).toBe(25_005_000);
  });

  it('stops runaway recursion by depth', async () => {
    const err = await failure(evaluateExpression('($f := function($x){ 1 + $f($x) }; $f(1))', context));
    expect(err.code).toBe('expression_depth');
    expect(err.message.en).toContain('200');
    // Legitimate recursion within the limit still works.
    expect(await evaluateExpression('($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(20))', context)).toBe(20);
    const shallow = await failure(evaluateExpression('($f := function($n){ $n = 0 ? 0 : 1 + $f($n - 1) }; $f(20))', context, { maxDepth: 30 }));
    expect(shallow.code).toBe('expression_depth');
  });

  it('stops giant strings before they are built ($pad) and as they grow (doubling)', async () => {
    const pad = await failure(evaluateExpression('$pad("", 100000000)', context));
    expect(pad.code).toBe('expression_too_large');
    const doubling = await failure(evaluateExpression('$reduce([1..40], function($acc, $i){ $acc & $acc }, "xxxxxxxx")', context));
    expect(doubling.code).toBe('expression_too_large');
  });

  it('stops giant ranges and arrays', async () => {
    expect((await failure(evaluateExpression('[1..100000000]', context))).code).toBe('expression_too_large');
    expect((await failure(evaluateExpression('$count([1..10000])', context, { maxOutputBytes: 1000 }))).code).toBe('expression_too_large');
    expect((await failure(evaluateExpression('$reduce([1..64], function($a, $i){ $append($a, $a) }, [1])', context))).code).toBe('expression_too_large');
  });

  it('stops many medium values that each pass the size check (memory budget)', async () => {
    const strings = await failure(evaluateExpression('$count([1..400000].$pad("", 1000000))', context));
    expect(strings.code).toBe('expression_too_large');
    const arrays = await failure(evaluateExpression('$count([1..500].{ "a": [1..500000] })', context));
    expect(arrays.code).toBe('expression_too_large');
  });

  it('checks the size of the result', async () => {
    const big = { event: { data: { note: 'x'.repeat(300) } } };
    expect(await evaluateExpression('event.data.note', big, { maxOutputBytes: 400 })).toHaveLength(300);
    const err = await failure(evaluateExpression('[event.data.note, event.data.note]', big, { maxOutputBytes: 400 }));
    expect(err.code).toBe('expression_too_large');
    // UTF-8 bytes, not characters: 300 Chinese characters are 900 bytes.
    const zh = { event: { data: { note: '中'.repeat(300) } } };
    expect((await failure(evaluateExpression('event.data.note', zh, { maxOutputBytes: 800 }))).code).toBe('expression_too_large');
  });

  it('lets timers run while a hostile expression is being stopped', async () => {
    const events: string[] = [];
    const timer = new Promise<void>((resolve) =>
      setTimeout(() => {
        events.push('timer');
        resolve();
      }, 5),
    );
    const immediate = new Promise<void>((resolve) =>
      setImmediate(() => {
        events.push('immediate');
        resolve();
      }),
    );
    const err = await failure(evaluateExpression('($f := function($x){ $f($x) }; $f(1))', context, { timeoutMs: 200 }));
    events.push('stopped');
    await Promise.all([timer, immediate]);
    expect(err.code).toBe('expression_timeout');
    expect(events.indexOf('timer')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('timer')).toBeLessThan(events.indexOf('stopped'));
    expect(events.indexOf('immediate')).toBeLessThan(events.indexOf('stopped'));
  });

  it('keeps limits per evaluation when the same cached expression runs concurrently', async () => {
    const countdown = '($f := function($n){ $n <= 0 ? "done" : $f($n - 1) }; $f(event.data.n))';
    const [slow, fast] = await Promise.allSettled([
      evaluateExpression(countdown, { event: { data: { n: 1e9 } } }, { timeoutMs: 100 }),
      evaluateExpression(countdown, { event: { data: { n: 10 } } }, { timeoutMs: 5000 }),
    ]);
    expect(slow.status).toBe('rejected');
    expect(slow.status === 'rejected' && slow.reason instanceof ExpressionError && slow.reason.code).toBe('expression_timeout');
    expect(fast).toEqual({ status: 'fulfilled', value: 'done' });
  });
});

describe('regular expressions', () => {
  const text = (s: string): ExpressionContext => ({ event: { data: { s } } });

  it('supports what JSONata users write: $match with groups and index, $replace with $1, $split, $contains, flags', async () => {
    const order = text('SO-1001 x SO-2002');
    expect(await evaluateExpression('$match(event.data.s, /SO-(\\d)(\\d+)/)', order)).toEqual([
      { match: 'SO-1001', index: 0, groups: ['1', '001'] },
      { match: 'SO-2002', index: 10, groups: ['2', '002'] },
    ]);
    expect(await evaluateExpression('$match(event.data.s, /SO-(\\d+)/, 1).groups[0]', order)).toBe('1001');
    expect(await evaluateExpression('$replace(event.data.s, /SO-(\\d+)/, "XSDD-$1")', order)).toBe('XSDD-1001 x XSDD-2002');
    expect(await evaluateExpression('$replace(event.data.s, /so-(\\d+)/i, "[$0]", 1)', order)).toBe('[SO-1001] x SO-2002');
    expect(await evaluateExpression('$replace(event.data.s, /\\d+/, function($m) { $string($number($m.match) + 1) })', order)).toBe('SO-1002 x SO-2003');
    expect(await evaluateExpression('$split(event.data.s, /\\s*x\\s*/)', order)).toEqual(['SO-1001', 'SO-2002']);
    expect(await evaluateCondition('$contains(event.data.s, /^SO-\\d+/)', order)).toBe(true);
    expect(await evaluateCondition('$contains(event.data.s, /^so-/)', order)).toBe(false);
    expect(await evaluateCondition('$contains(event.data.s, /^so-/i)', order)).toBe(true);
    const lines = text('a: 1\nb: 2\nc: 3');
    expect(await evaluateExpression('$match(event.data.s, /^(\\w): (\\d)$/m).groups[1]', lines)).toEqual(['1', '2', '3']);
    expect(await evaluateExpression('$match(event.data.s, /^(\\w): (\\d)$/)', lines)).toBeUndefined();
    // Chinese text, full-width spaces (JavaScript's \s) and UTF-16 positions.
    const zh = text('订单\u3000编号：SO-1');
    expect(await evaluateExpression('$split(event.data.s, /\\s+/)', zh)).toEqual(['订单', '编号：SO-1']);
    expect(await evaluateExpression('$match(event.data.s, /[\\u4e00-\\u9fa5]+/).index', zh)).toEqual([0, 3]);
    // JSONata still refuses a pattern that matches the empty string where it would loop.
    expect((await failure(evaluateExpression('$match("abc", /x*/)', context))).jsonataCode).toBe('D1004');
  });

  it('runs classic catastrophic patterns in linear time, with correct results', async () => {
    const started = performance.now();
    const forty = 'a'.repeat(40);
    expect(await evaluateExpression('$match(event.data.s, /^(a|aa)+$/)', text(`${forty}b`))).toBeUndefined();
    expect(await evaluateExpression('$match(event.data.s, /^(a|aa)+$/).match', text(forty))).toBe(forty);
    expect(await evaluateExpression('$match(event.data.s, /(a+)+$/)', text(`${forty}b`))).toBeUndefined();
    expect(await evaluateExpression('$match(event.data.s, /(a+)+$/).index', text(`${forty}`))).toBe(0);
    expect(await evaluateExpression('$match(event.data.s, /(x+x+)+y/)', text('x'.repeat(40)))).toBeUndefined();
    expect(await evaluateExpression('$match(event.data.s, /(x+x+)+y/).match', text(`${'x'.repeat(40)}y`))).toBe(`${'x'.repeat(40)}y`);
    expect(await evaluateCondition('$contains(event.data.s, /^(a|aa)+$/)', text(`${'a'.repeat(100_000)}b`))).toBe(false);
    // With a backtracking engine the first takes about 10 s, growing 1.6-fold with every added character.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('lets timers run while many regex searches are evaluated', async () => {
    const events: string[] = [];
    const timer = new Promise<void>((resolve) =>
      setTimeout(() => {
        events.push('timer');
        resolve();
      }, 5),
    );
    const s = `${'a'.repeat(100_000)}b`;
    const out = await evaluateExpression('[1..2000].$count($match(event.data.s, /^(a|aa)+$/))', text(s), { timeoutMs: 10_000 });
    events.push('evaluated');
    await timer;
    expect(out).toEqual(Array.from({ length: 2000 }, () => 0));
    expect(events).toEqual(['timer', 'evaluated']);
  });

  it('stops a long run of matches by time, per evaluation', async () => {
    // Every search for `a[^z]*z` scans to the end of the text: quadratic in total, however linear each search.
    const quadratic = '$count($match(event.data.s, /a[^z]*z|a/))';
    const started = performance.now();
    const [slow, fast] = await Promise.allSettled([
      evaluateExpression(quadratic, text('a'.repeat(200_000)), { timeoutMs: 100 }),
      evaluateExpression(quadratic, text('a'.repeat(100)), { timeoutMs: 5000 }),
    ]);
    expect(slow.status === 'rejected' && slow.reason instanceof ExpressionError && slow.reason.code).toBe('expression_timeout');
    expect(fast).toEqual({ status: 'fulfilled', value: 100 });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses a search whose worst case would not fit the time limit', async () => {
    // About 800 RE2 instructions, which the NFA may all have to step for every character.
    const heavy = '$contains(event.data.s, /(?:[a-h]*[i-q]*){200}$/)';
    const long = text('abcijk'.repeat(200));
    const started = performance.now();
    const err = await failure(evaluateCondition(heavy, long, { timeoutMs: 10 }));
    expect(performance.now() - started).toBeLessThan(100);
    expect(err.code).toBe('expression_timeout');
    expect(err.message.en).toContain('too complex for the length of the text');
    expect(err.message['zh-CN']).toContain('过于复杂');
    // The default limit admits it, as does the limit above for a shorter text.
    expect(await evaluateCondition(heavy, long)).toBe(true);
    expect(await evaluateCondition(heavy, text('abcijk'), { timeoutMs: 10 })).toBe(true);
  });

  it('reports regexes RE2 cannot run as invalid expressions, not as run-time failures', async () => {
    const err = await failure(evaluateExpression('$match(event.data.s, /(a)\\1/)', text('aa')));
    expect(err).toMatchObject({ code: 'expression_error', jsonataCode: 'QIAO_UNSUPPORTED_REGEX', position: 28 });
    expect(err.message.en).toContain('Backreferences');
    expect(err.message['zh-CN']).toContain('反向引用');
  });
});
