/** Times are shown in China Standard Time by default, whatever the browser's own zone. */
export const TIME_ZONE = 'Asia/Shanghai';
/** China has no daylight saving: the offset is always +08:00. */
const OFFSET = '+08:00';

const parts = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function toDate(value: string | number | Date): Date | null {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function pieces(date: Date): Record<string, string> {
  return Object.fromEntries(parts.formatToParts(date).map((p) => [p.type, p.value]));
}

/** `2026-11-27 18:03:04` in Asia/Shanghai; '—' for nothing or an invalid date. */
export function formatDateTime(value: string | number | Date | null | undefined, options: { seconds?: boolean } = {}): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = toDate(value);
  if (!date) return '—';
  const p = pieces(date);
  const time = options.seconds === false ? `${p['hour']}:${p['minute']}` : `${p['hour']}:${p['minute']}:${p['second']}`;
  return `${p['year']}-${p['month']}-${p['day']} ${time}`;
}

/** The value of an `<input type="datetime-local">` showing this instant in Asia/Shanghai. */
export function toShanghaiInput(value: string | Date): string {
  const date = toDate(value);
  if (!date) return '';
  const p = pieces(date);
  return `${p['year']}-${p['month']}-${p['day']}T${p['hour']}:${p['minute']}`;
}

/** `2026-11-27T18:00` read as Asia/Shanghai wall-clock time → an ISO instant, or null when malformed. */
export function fromShanghaiInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(`${value.length === 16 ? `${value}:00` : value}${OFFSET}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** 850 ms · 1.2 s · 2 min 5 s · 1 h 3 min */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} min ${totalSeconds % 60} s`;
  return `${Math.floor(totalSeconds / 3600)} h ${Math.floor((totalSeconds % 3600) / 60)} min`;
}

/** Milliseconds between two instants, or null while the second is missing. */
export function between(from: string | null | undefined, to: string | null | undefined): number | null {
  if (!from || !to) return null;
  const a = toDate(from);
  const b = toDate(to);
  return a && b ? b.getTime() - a.getTime() : null;
}
