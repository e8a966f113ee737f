import { describe, expect, it } from 'vitest';
import { previewInput } from './sample-data';
import { ancestorsOf, buildSampleData, mergeSamples, parseSample, sampleAsEvent, stepToSample, upstreamData, type TestRunStep } from './test-run-model';

const step = (nodeId: string, partial: Partial<TestRunStep>): TestRunStep => ({ nodeId, status: 'succeeded', input: null, output: null, error: null, durationMs: null, ...partial });

describe('parseSample', () => {
  it('accepts an object with data and says what is wrong otherwise', () => {
    expect(parseSample('{"data": {"a": 1}, "subject": "S"}')).toEqual({ ok: true, sample: { data: { a: 1 }, subject: 'S' } });
    expect(parseSample('{"data": null}').ok).toBe(true);
    expect(parseSample('{oops')).toMatchObject({ ok: false, error: 'json' });
    expect(parseSample('[1]')).toEqual({ ok: false, error: 'notObject' });
    expect(parseSample('{"subject": "x"}')).toEqual({ ok: false, error: 'noData' });
  });
});

describe('samples from a test run', () => {
  it('keeps outputs of succeeded steps only and shows retrying as running', () => {
    expect(stepToSample(step('a', { output: { n: 1 }, input: { i: 1 }, durationMs: 12 }))).toEqual({ status: 'succeeded', input: { i: 1 }, output: { n: 1 }, durationMs: 12 });
    expect(stepToSample(step('a', { status: 'retrying', error: { code: 'http_503', message: 'busy' } }))).toEqual({ status: 'running', error: { code: 'http_503', message: 'busy' } });
    expect(stepToSample(step('a', { status: 'failed', output: { partial: true }, error: 'boom' }))).toEqual({ status: 'failed', error: { message: 'boom' } });
  });

  it('lets a later single-node result win over the test run, and feeds previews', () => {
    const nodes = mergeSamples([step('a', { output: { n: 1 } }), step('b', { output: { n: 2 } })], { b: { status: 'succeeded', output: { n: 3 } } });
    const data = buildSampleData(sampleAsEvent({ subject: 'SO-1', data: { x: 1 } }, 'order.created'), nodes);
    expect(previewInput(data)).toEqual({
      event: { id: 'sample', source: 'qiao:test-run', type: 'order.created', subject: 'SO-1', time: null, data: { x: 1 } },
      steps: { a: { n: 1 }, b: { n: 3 } },
    });
    expect(sampleAsEvent(null, 'x')).toBeUndefined();
  });
});

describe('upstream data for a single-node run', () => {
  const edges = [{ source: 'a', target: 'b' }, { source: 'b', target: 'd' }, { source: 'c', target: 'd' }, { source: 'd', target: 'e' }];
  it('finds every ancestor, nearest first, without looping', () => {
    expect(ancestorsOf('d', edges)).toEqual(['b', 'c', 'a']);
    expect(ancestorsOf('a', edges)).toEqual([]);
    expect(ancestorsOf('x', [{ source: 'x', target: 'y' }, { source: 'y', target: 'x' }])).toEqual(['y']);
  });

  it("takes each ancestor's latest output, null when it has none", () => {
    expect(upstreamData('d', edges, { a: { status: 'succeeded', output: 1 }, b: { status: 'failed', error: { message: 'no' } } })).toEqual({ b: null, c: null, a: 1 });
  });
});
