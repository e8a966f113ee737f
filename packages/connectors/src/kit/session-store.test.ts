import { describe, expect, it } from 'vitest';
import { createSessionStore } from './session-store';

describe('createSessionStore', () => {
  it('expires entries after their ttl', () => {
    let now = 1000;
    const store = createSessionStore({ now: () => now });
    store.set('a', { jar: 1 }, 500);
    store.set('b', 'forever');
    now = 1499;
    expect(store.get('a')).toEqual({ jar: 1 });
    now = 1500;
    expect(store.get('a')).toBeUndefined();
    expect(store.get('b')).toBe('forever');
    store.delete('b');
    expect(store.get('b')).toBeUndefined();
  });

  it('drops the least recently set entries beyond maxEntries', () => {
    const store = createSessionStore({ maxEntries: 2 });
    store.set('a', 1);
    store.set('b', 2);
    store.set('a', 3);
    store.set('c', 4);
    expect([store.get('a'), store.get('b'), store.get('c')]).toEqual([3, undefined, 4]);
  });
});
