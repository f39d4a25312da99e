/**
 * Fixed-window call counters for quota (quota-policy.md): "renewal-period: The length in
 * seconds of the fixed window after which the quota resets. The start of each period is
 * calculated relative to first-period-start", which is 2014-01-01T00:00:00Z by default.
 */
export const DEFAULT_FIRST_PERIOD_START = Date.UTC(2014, 0, 1);

export class QuotaCounters {
  private readonly periods = new Map<string, { period: number; count: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Counts a call against `key` in the current period unless its quota is used up. Answers
   * whether it was allowed and the seconds until the period ends.
   */
  take(
    key: string,
    calls: number,
    renewalSeconds: number,
    firstPeriodStart = DEFAULT_FIRST_PERIOD_START,
  ): { allowed: boolean; secondsToRenewal: number } {
    const now = this.now();
    const periodMs = renewalSeconds * 1000;
    const period = Math.floor((now - firstPeriodStart) / periodMs);
    const secondsToRenewal = Math.max(1, Math.ceil((firstPeriodStart + (period + 1) * periodMs - now) / 1000));
    const current = this.periods.get(key);
    const count = current?.period === period ? current.count : 0;
    if (count >= calls) return { allowed: false, secondsToRenewal };
    this.periods.set(key, { period, count: count + 1 });
    return { allowed: true, secondsToRenewal };
  }

  clear(): void {
    this.periods.clear();
  }
}
