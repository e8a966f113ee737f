import { describe, expect, it } from 'vitest';
import { relativeTime } from './relative-time';

describe('relativeTime', () => {
  const now = Date.parse('2026-11-27T12:00:00Z');
  it('picks the largest fitting unit, in both languages', () => {
    expect(relativeTime('2026-11-27T11:59:30Z', now, 'en')).toBe('30 seconds ago');
    expect(relativeTime('2026-11-27T11:55:00Z', now, 'en')).toBe('5 minutes ago');
    expect(relativeTime('2026-11-27T09:00:00Z', now, 'en')).toBe('3 hours ago');
    expect(relativeTime('2026-11-26T12:00:00Z', now, 'en')).toBe('yesterday');
    expect(relativeTime('2026-11-27T11:55:00Z', now, 'zh-CN')).toBe('5分钟前');
  });
});
