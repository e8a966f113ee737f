import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * One connection pool per scheme for the whole process, shared by every connector.
 * - maxSockets 256 per host: far above what a worker's concurrency needs, low enough that a
 *   runaway flow cannot open thousands of sockets to one ERP.
 * - scheduling 'lifo': the most recently used socket goes out first, so a light load stays on a
 *   few warm sockets and the rest reach the idle timeout and close. With 'fifo' every pooled socket
 *   is kept barely alive, and the one picked is the one idle longest, the likeliest to be closed by
 *   the server just as a request is written on it.
 * - timeout 4 s of idleness for pooled sockets (undici's default, what fetch used), below common
 *   server keep-alive timeouts (Node 5 s); a shorter `Keep-Alive: timeout=N` from the server wins.
 *   It does not limit requests in flight: the client's own timer does.
 * Certificates are verified as usual (Node's CA store, NODE_EXTRA_CA_CERTS).
 */
const POOL = { keepAlive: true, maxSockets: 256, scheduling: 'lifo', timeout: 4000 } as const;

export const httpAgent = new HttpAgent(POOL);
export const httpsAgent = new HttpsAgent(POOL);
