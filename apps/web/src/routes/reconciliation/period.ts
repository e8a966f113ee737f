import { formatDateTime } from '../../lib/format-date';

/** A whole-day period in Asia/Shanghai (no daylight saving: always +08:00), `to` inclusive. */
export function periodOfDays(fromDay: string, toDay: string): { from: string; to: string } | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fromDay) || !/^\d{4}-\d{2}-\d{2}$/.test(toDay) || toDay < fromDay) return null;
  const end = new Date(`${toDay}T00:00:00+08:00`);
  end.setUTCDate(end.getUTCDate() + 1);
  return { from: `${fromDay}T00:00:00+08:00`, to: end.toISOString() };
}

/** Today in Asia/Shanghai, as yyyy-MM-dd. */
export function shanghaiToday(now: Date = new Date()): string {
  return formatDateTime(now).slice(0, 10);
}

export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(2)}%`;
}
