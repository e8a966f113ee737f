export interface RetryPolicy {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

/**
 * Delay before try number `nextAttempt` (2, 3, …): exponential, capped, with "equal jitter"
 * (half fixed, half random) so a burst of failures does not retry in lockstep.
 * `random` is a port so tests are deterministic.
 */
export function backoffDelay(policy: RetryPolicy, nextAttempt: number, random: () => number): number {
  const exponent = Math.max(0, nextAttempt - 2);
  const raw = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** exponent);
  const half = raw / 2;
  return Math.round(half + random() * half);
}
