/** One line for a stored error (a run's or a step's): its `message` when it has one. */
export function errorSummary(error: unknown): string | null {
  if (error === null || error === undefined) return null;
  if (typeof error === 'string') return error;
  if (typeof error === 'object' && 'message' in error) {
    const message: unknown = error.message;
    if (typeof message === 'string') return message;
    if (typeof message === 'object' && message !== null && 'en' in message && typeof message.en === 'string') return message.en;
  }
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
