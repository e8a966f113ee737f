import { randomUUID } from 'node:crypto';

export const DEFAULT_SESSION_TTL_MS = 20 * 60 * 1000;

export interface Session {
  /** kdservice-sessionid cookie / KDSVCSessionId. */
  kdsvcId: string;
  /** ASP.NET_SessionId cookie / Context.SessionId. */
  aspNetId: string;
  username: string;
  acctId: string;
  lcid: number;
  lastSeen: number;
}

/**
 * In-memory sessions, as in real K3 (a restart logs everyone out). Either id is accepted in either the
 * cookie or the `kdservice-sessionid` header.
 */
export class SessionStore {
  private readonly byId = new Map<string, Session>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    public ttlMs: number = DEFAULT_SESSION_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  create(username: string, acctId: string, lcid: number): Session {
    const session: Session = {
      kdsvcId: randomUUID(),
      aspNetId: randomUUID(),
      username,
      acctId,
      lcid,
      lastSeen: this.now(),
    };
    this.byId.set(session.kdsvcId, session);
    this.byId.set(session.aspNetId, session);
    return session;
  }

  /** Returns the live session for any of the candidate ids and refreshes its idle timer. */
  touch(candidates: readonly string[]): Session | undefined {
    const now = this.now();
    for (const id of candidates) {
      const session = this.byId.get(id);
      if (!session) continue;
      if (now - session.lastSeen > this.ttlMs) {
        this.remove(session);
        continue;
      }
      session.lastSeen = now;
      return session;
    }
    return undefined;
  }

  remove(session: Session): void {
    this.byId.delete(session.kdsvcId);
    this.byId.delete(session.aspNetId);
  }

  expireAll(): number {
    const count = this.byId.size / 2;
    this.byId.clear();
    return count;
  }

  get size(): number {
    return this.byId.size / 2;
  }

  /** Drops idle sessions now and then, so benchmarks that log in repeatedly don't grow the map forever. */
  startSweeping(intervalMs = 60_000): void {
    this.sweeper = setInterval(() => {
      const now = this.now();
      for (const session of new Set(this.byId.values())) {
        if (now - session.lastSeen > this.ttlMs) this.remove(session);
      }
    }, intervalMs);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}

/** Session ids a request offers: header first, then the cookies K3 issues. */
export function sessionCandidates(headers: Record<string, string | string[] | undefined>): string[] {
  const ids: string[] = [];
  const header = headers['kdservice-sessionid'];
  if (typeof header === 'string' && header !== '') ids.push(header.trim());
  const cookie = headers.cookie;
  const cookieText = Array.isArray(cookie) ? cookie.join(';') : (cookie ?? '');
  for (const part of cookieText.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (name === 'kdservice-sessionid' || name === 'asp.net_sessionid') {
      const value = part.slice(eq + 1).trim();
      if (value !== '') ids.push(value);
    }
  }
  return ids;
}
