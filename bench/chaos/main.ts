/**
 * bench/chaos — `pnpm bench:chaos [--events 10000] [--kills 5] [--server-kills 2] [--workers 2]`.
 * The bar: every event accepted, every run succeeded, one of each ERP document per order, 0 duplicates,
 * 0 missing, discrepancy 0.00%.
 */
import { parseArgs } from 'node:util';
import { runChaos } from './run-chaos';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '16' },
    workers: { type: 'string', default: '2' },
    kills: { type: 'string', default: '5' },
    'server-kills': { type: 'string', default: '2' },
    'redis-restarts': { type: 'string', default: '1' },
    'session-expiries': { type: 'string', default: '2' },
    'timeout-min': { type: 'string', default: '60' },
  },
});

const report = await runChaos({
  events: Number(values.events),
  concurrency: Number(values.concurrency),
  workers: Number(values.workers),
  kills: Number(values.kills),
  serverKills: Number(values['server-kills']),
  redisRestarts: Number(values['redis-restarts']),
  sessionExpiries: Number(values['session-expiries']),
  faults: { http503Rate: 0.2, timeoutRate: 0.05, dropAfterCommitRate: 0.01 },
  timeoutMs: Number(values['timeout-min']) * 60_000,
  log: (line) => console.log(`  ${new Date().toISOString().slice(11, 19)} ${line}`),
});

const pct = (report.discrepancyRate * 100).toFixed(2);
console.log(`
bench/chaos — ${values.events} sales orders, ${values.workers} workers, ${report.seconds.toFixed(0)} s
  chaos: ${report.chaos.kills} worker SIGKILLs, ${report.chaos.serverKills} server SIGKILLs, ${report.chaos.redisRestarts} Redis restart(s), ${report.chaos.sessionExpiries} ERP session expiries,
         ${report.chaos.injected503} HTTP 503, ${report.chaos.timeouts} ERP timeouts, ${report.chaos.dropped} responses dropped after commit
  events accepted      ${report.accepted} (refused ${report.refused})
  runs                 ${JSON.stringify(report.runs)}
  ERP documents        orders ${report.documents.orders}, outbounds ${report.documents.outbounds}, receivables ${report.documents.receivables}, invoices ${report.documents.invoices}
  duplicates           ${report.duplicates}
  missing              ${report.missing}
  field mismatches     ${report.mismatched}
  unknown to Qiao      ${report.unknownToQiao}   not recorded by a run ${report.notRecorded}
  reconciliation       ${report.reconciliation.documents} documents, ${report.reconciliation.discrepancies} discrepancies, ${report.reconciliation.queries} ExecuteBillQuery calls
  discrepancy rate     ${pct}%  (bar: 0.00%)
`);
process.exit(report.duplicates === 0 && report.missing === 0 && report.mismatched === 0 && report.reconciliation.discrepancies === 0 ? 0 : 1);
