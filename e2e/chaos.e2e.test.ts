import { describe, expect, it } from 'vitest';
import { runChaos } from '../bench/chaos/run-chaos';

// The small chaos run inside `npm test`; `pnpm bench:chaos` runs the 10,000-event version.
describe('chaos', () => {
  it('carries 500 orders to the ERP exactly once through worker and server SIGKILLs, a Redis restart, session expiries and ERP faults', async () => {
    const report = await runChaos({
      events: 500,
      concurrency: 16,
      workers: 2,
      kills: 2,
      serverKills: 1,
      redisRestarts: 1,
      sessionExpiries: 2,
      faults: { http503Rate: 0.2, timeoutRate: 0.05, dropAfterCommitRate: 0.01 },
      timeoutMs: 8 * 60_000,
    });
    expect(report.chaos).toMatchObject({ kills: 2, serverKills: 1, redisRestarts: 1, sessionExpiries: 2 });
    expect(report.chaos.injected503).toBeGreaterThan(0);
    expect(report.chaos.dropped).toBeGreaterThan(0);
    expect(report.accepted).toBe(500);
    expect(report.runs).toEqual({ succeeded: 500 });
    expect(report.documents).toEqual({ orders: 500, outbounds: 500, receivables: 500, invoices: 500 });
    expect({ duplicates: report.duplicates, missing: report.missing, mismatched: report.mismatched }).toEqual({ duplicates: 0, missing: 0, mismatched: 0 });
    // The reconciliation report over the same period: every document of every run, none unknown, 0.00%.
    expect(report.reconciliation).toMatchObject({ documents: 2000, discrepancies: 0 });
    expect({ unknownToQiao: report.unknownToQiao, notRecorded: report.notRecorded }).toEqual({ unknownToQiao: 0, notRecorded: 0 });
    expect((report.discrepancyRate * 100).toFixed(2)).toBe('0.00');
  }, 12 * 60_000);
});
