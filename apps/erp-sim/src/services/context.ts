import type { Pool } from 'pg';
import type { Session, SessionStore } from '../session';
import type { MasterData } from '../store/master-data';

/** What every service handler may use. */
export interface SimContext {
  pool: Pool;
  master: MasterData;
  sessions: SessionStore;
}

export interface ServiceCall {
  body: unknown;
  session: Session | undefined;
  sessionIds: readonly string[];
}

export interface ServiceOutcome {
  body: unknown;
  setCookies?: string[];
  /** Form a write acted on, for per-form write counts. */
  formId?: string;
}
