/** How the intervention desk groups failures, so an operator knows whom to call. */
export type FailureCategory = 'erp_rejected' | 'erp_unreachable' | 'timeout' | 'mapping' | 'configuration' | 'internal';

const UNREACHABLE = /^(network|http_5\d\d|http_519|rate_limited|session_lost|bad_response|aborted|lease_expired)$/;

export function classifyFailure(error: { kind?: unknown; code?: unknown } | null | undefined): FailureCategory {
  const kind = typeof error?.kind === 'string' ? error.kind : '';
  const code = typeof error?.code === 'string' ? error.code : '';
  if (code === 'timeout' || code === 'expression_timeout') return code === 'timeout' ? 'timeout' : 'mapping';
  if (kind === 'user') {
    if (/^(connection_missing|invalid_credentials|login_failed)$/.test(code)) return 'configuration';
    return 'mapping';
  }
  if (code === 'login_failed' || code === 'bill_number_replaced') return 'configuration';
  if (kind === 'connector') return UNREACHABLE.test(code) ? 'erp_unreachable' : 'erp_rejected';
  if (code === 'database_unavailable') return 'internal';
  return 'internal';
}
