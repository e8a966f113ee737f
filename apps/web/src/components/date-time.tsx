import { formatDateTime, TIME_ZONE } from '../lib/format-date';

/** An instant in Asia/Shanghai; date and time each stay on one line when a column is narrow. */
export function DateTime({ value }: { value: string | null | undefined }) {
  const text = formatDateTime(value);
  if (!value || text === '—') return <span className="muted">—</span>;
  const [date, time] = text.split(' ');
  return (
    <time dateTime={value} title={`${text} (${TIME_ZONE})`}>
      <span className="nowrap">{date}</span> <span className="nowrap">{time}</span>
    </time>
  );
}
