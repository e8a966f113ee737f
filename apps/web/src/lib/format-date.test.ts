import { describe, expect, it } from 'vitest';
import { between, formatDateTime, formatDuration, fromShanghaiInput, toShanghaiInput } from './format-date';

describe('dates in Asia/Shanghai', () => {
  it('shows a UTC instant eight hours later, whatever the machine zone', () => {
    expect(formatDateTime('2026-11-27T02:03:04.000Z')).toBe('2026-11-27 10:03:04');
    expect(formatDateTime('2026-11-27T20:30:00Z')).toBe('2026-11-28 04:30:00');
    expect(formatDateTime(new Date(Date.UTC(2026, 0, 1, 0, 0, 0)), { seconds: false })).toBe('2026-01-01 08:00');
  });

  it('uses 00–23 hours, never 24', () => {
    expect(formatDateTime('2026-06-30T16:00:00Z')).toBe('2026-07-01 00:00:00');
  });

  it('shows a dash for nothing or nonsense', () => {
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime(undefined)).toBe('—');
    expect(formatDateTime('not a date')).toBe('—');
  });

  it('round-trips a datetime-local value as Shanghai wall-clock time', () => {
    expect(fromShanghaiInput('2026-11-27T10:00')).toBe('2026-11-27T02:00:00.000Z');
    expect(toShanghaiInput('2026-11-27T02:00:00.000Z')).toBe('2026-11-27T10:00');
    expect(fromShanghaiInput(toShanghaiInput('2026-03-01T15:45:00.000Z'))).toBe('2026-03-01T15:45:00.000Z');
    expect(fromShanghaiInput('')).toBeNull();
    expect(fromShanghaiInput('2026-13-45T99:99')).toBeNull();
  });
});

describe('durations', () => {
  it('picks a unit a person reads at a glance', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_780_000)).toBe('1 h 3 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-5)).toBe('—');
  });

  it('measures between two instants once both exist', () => {
    expect(between('2026-11-27T02:00:00Z', '2026-11-27T02:00:01.500Z')).toBe(1500);
    expect(between('2026-11-27T02:00:00Z', null)).toBeNull();
  });
});
