/**
 * ARM reports `x-ms-ratelimit-remaining-subscription-{reads|writes|deletes}` on every
 * response (see the recordings). The values follow ARM's token buckets (2024+: reads 250
 * refilled 25/s, writes and deletes 200 refilled 10/s; 04-limits-and-naming.md) so that a
 * client watching them sees them move. The simulator never throttles on its own: 429s come
 * only from injected faults, so tests and benchmarks stay in control.
 */
type Category = "reads" | "writes" | "deletes";

const buckets: Record<Category, { capacity: number; refillPerSecond: number }> = {
  reads: { capacity: 250, refillPerSecond: 25 },
  writes: { capacity: 200, refillPerSecond: 10 },
  deletes: { capacity: 200, refillPerSecond: 10 },
};

export class RateLimitCounters {
  private readonly state = new Map<Category, { tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Spends one token for `method` and returns the header to send with its remainder. */
  take(method: string): [name: string, value: string] {
    const category: Category =
      method === "GET" || method === "HEAD" ? "reads" : method === "DELETE" ? "deletes" : "writes";
    const { capacity, refillPerSecond } = buckets[category];
    const now = this.now();
    const previous = this.state.get(category) ?? { tokens: capacity, at: now };
    const refilled = Math.min(capacity, previous.tokens + ((now - previous.at) / 1000) * refillPerSecond);
    const tokens = Math.max(0, refilled - 1);
    this.state.set(category, { tokens, at: now });
    return [`x-ms-ratelimit-remaining-subscription-${category}`, String(Math.floor(tokens))];
  }
}
