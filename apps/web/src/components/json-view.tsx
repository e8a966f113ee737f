import { useTranslation } from 'react-i18next';

const LARGE_CHARS = 2_000;
const LARGE_LINES = 40;

export function prettyJson(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** JSON, pretty-printed; large payloads start collapsed behind a summary saying how large they are. */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const { t } = useTranslation();
  if (value === null || value === undefined) return <p className="muted">{t('states.none')}</p>;
  const text = prettyJson(value);
  const lines = text.split('\n').length;
  const large = text.length > LARGE_CHARS || lines > LARGE_LINES;
  if (!large) return <pre className="json" aria-label={label}>{text}</pre>;
  return (
    <details className="json-collapsed">
      <summary>{t('json.large', { lines, size: (text.length / 1024).toFixed(1) })}</summary>
      <pre className="json" aria-label={label}>{text}</pre>
    </details>
  );
}
