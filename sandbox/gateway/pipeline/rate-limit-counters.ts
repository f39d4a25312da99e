/**
 * Sliding-window call counters for rate-limit and rate-limit-by-key ("The length in seconds of
 * the sliding window during which the number of allowed requests should not exceed the value
 * specified in calls"). One counter per key, holding the times of the calls it counted.
 */
export class RateLimitCounters {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Counts a call against `key` unless the window is full. Answers whether it was allowed,
   * how many calls remain, and (when refused) the seconds until the oldest call leaves the window.
   */
  take(
    key: string,
    calls: number,
    renewalSeconds: number,
    count = 1,
  ): { allowed: boolean; remaining: number; retryAfterSeconds: number } {
    const now = this.now();
    const windowMs = renewalSeconds * 1000;
    const times = (this.windows.get(key) ?? []).filter((time) => now - time < windowMs);
    if (times.length + count > calls) {
      this.windows.set(key, times);
      const retryAfterSeconds = Math.max(1, Math.ceil((times[0]! + windowMs - now) / 1000));
      return { allowed: false, remaining: Math.max(0, calls - times.length), retryAfterSeconds };
    }
    for (let index = 0; index < count; index++) times.push(now);
    this.windows.set(key, times);
    return { allowed: true, remaining: calls - times.length, retryAfterSeconds: 0 };
  }

  /** Counts without limiting (a call whose increment-condition was false counts nothing). */
  peek(key: string, calls: number, renewalSeconds: number): number {
    const now = this.now();
    const times = (this.windows.get(key) ?? []).filter((time) => now - time < renewalSeconds * 1000);
    return Math.max(0, calls - times.length);
  }

  clear(): void {
    this.windows.clear();
  }
}
