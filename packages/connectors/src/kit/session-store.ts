/**
 * Small in-memory key/value store with expiry, one per worker process. Connectors keep login
 * sessions here (e.g. Kingdee's cookie jar) so consecutive steps do not log in every time.
 * Values are `unknown` on purpose: whoever reads must check the shape.
 */
export interface SessionStore {
  get(key: string): unknown;
  set(key: string, value: unknown, ttlMs?: number): void;
  delete(key: string): void;
}

export interface SessionStoreOptions {
  /** Injected for tests. */
  now?: () => number;
  /** Oldest entries are dropped beyond this, so a busy worker cannot grow without bound. */
  maxEntries?: number;
}

interface Entry {
  value: unknown;
  expiresAt: number;
}

export function createSessionStore(options: SessionStoreOptions = {}): SessionStore {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= now()) {
        entries.delete(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, ttlMs) {
      entries.delete(key); // re-insert so Map order stays "least recently set first"
      entries.set(key, { value, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : now() + ttlMs });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    delete(key) {
      entries.delete(key);
    },
  };
}

/** Shared by every context created without an explicit store: sessions survive between steps. */
export const processSessionStore: SessionStore = createSessionStore();
