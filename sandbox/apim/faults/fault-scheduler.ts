import type { FaultConfig, FaultKind, FaultRule } from "./fault-rules";
import { seededRandom } from "./seeded-random";

/**
 * Decides, per ARM request, which configured faults happen. Each rule draws from its own
 * random stream (derived from the seed and the rule's position), so with a seed the
 * decisions depend only on the sequence of requests each rule matches.
 *
 * At most one "terminal" fault (a dropped request, a 403, a 429 or a 5xx) applies to a request:
 * the first rule in order that fires; later terminal rules are not consulted. Latency
 * rules always add up. A dropped response and a concurrent writer only make sense for a
 * request that is handled, so they are consulted only when no terminal fault fired.
 */
export type TerminalFault =
  | { kind: "drop" }
  | { kind: "forbidden" }
  | { kind: "throttle"; retryAfterSeconds: number }
  | { kind: "serverError"; status: 500 | 502 | 503 | 504; retryAfterSeconds?: number };

export interface FaultPlan {
  latencyMs: number;
  terminal?: TerminalFault;
  dropResponse: boolean;
  /** Set when another writer should change the target first; confirm it if it did. */
  concurrentWriteRule?: number;
  /** The kinds that fired, for the request log. */
  fired: FaultKind[];
}

interface ActiveRule {
  rule: FaultRule;
  path?: RegExp;
  query?: RegExp;
  random: () => number;
  matched: number;
  fired: number;
}

const writeMethods = new Set(["PUT", "PATCH", "DELETE"]);

export class FaultScheduler {
  private seed: number | undefined;
  private rules: ActiveRule[] = [];

  configure(config: FaultConfig): void {
    this.seed = config.seed;
    this.rules = config.rules.map((rule, index) => ({
      rule,
      path: rule.match?.path === undefined ? undefined : new RegExp(rule.match.path),
      query: rule.match?.query === undefined ? undefined : new RegExp(rule.match.query),
      random: config.seed === undefined ? Math.random : seededRandom(config.seed + index * 0x9e3779b9),
      matched: 0,
      fired: 0,
    }));
  }

  clear(): void {
    this.configure({ rules: [] });
  }

  /** `query` is the request's query string without `?` (empty when it has none). */
  decide(method: string, path: string, query = ""): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0, dropResponse: false, fired: [] };
    const matching = this.rules.filter((active) => this.matches(active, method, path, query));
    for (const active of matching) {
      const { rule } = active;
      if (rule.kind === "latency") {
        if (this.fires(active, plan)) plan.latencyMs += jittered(rule.ms, rule.jitterMs, active.random);
      } else if (plan.terminal === undefined) {
        const terminal = terminalFault(rule);
        if (terminal !== undefined && this.fires(active, plan)) plan.terminal = terminal;
      }
    }
    if (plan.terminal !== undefined) return plan;
    for (const active of matching) {
      const { rule } = active;
      if (rule.kind === "drop" && rule.phase === "afterHandling" && !plan.dropResponse) {
        plan.dropResponse = this.fires(active, plan);
      } else if (
        rule.kind === "concurrentWrite" &&
        plan.concurrentWriteRule === undefined &&
        writeMethods.has(method)
      ) {
        // Counted only once the writer really changed something (confirmConcurrentWrite).
        if (this.draw(active)) plan.concurrentWriteRule = this.rules.indexOf(active);
      }
    }
    return plan;
  }

  /** Records that the concurrent writer of `plan` changed an entity. */
  confirmConcurrentWrite(plan: FaultPlan): void {
    const active = plan.concurrentWriteRule === undefined ? undefined : this.rules[plan.concurrentWriteRule];
    if (active === undefined) return;
    active.fired += 1;
    plan.fired.push("concurrentWrite");
  }

  /** What `GET /_sandbox/faults` shows: the rules with how often each matched and fired. */
  snapshot(): {
    seed?: number;
    rules: (FaultRule & { id: number; matched: number; fired: number })[];
    fired: Record<FaultKind, number>;
  } {
    const fired: Record<FaultKind, number> = {
      latency: 0,
      throttle: 0,
      serverError: 0,
      forbidden: 0,
      drop: 0,
      concurrentWrite: 0,
    };
    for (const active of this.rules) fired[active.rule.kind] += active.fired;
    return {
      ...(this.seed === undefined ? {} : { seed: this.seed }),
      rules: this.rules.map((active, id) => ({ ...active.rule, id, matched: active.matched, fired: active.fired })),
      fired,
    };
  }

  private matches(active: ActiveRule, method: string, path: string, query: string): boolean {
    const { match, limit } = active.rule;
    if (limit !== undefined && active.fired >= limit) return false;
    if (match?.methods !== undefined && !match.methods.some((m) => m === method)) return false;
    if (active.query !== undefined && !active.query.test(query)) return false;
    return active.path === undefined || active.path.test(path);
  }

  private draw(active: ActiveRule): boolean {
    active.matched += 1;
    return active.random() < active.rule.rate;
  }

  private fires(active: ActiveRule, plan: FaultPlan): boolean {
    if (!this.draw(active)) return false;
    active.fired += 1;
    plan.fired.push(active.rule.kind);
    return true;
  }
}

function terminalFault(rule: FaultRule): TerminalFault | undefined {
  if (rule.kind === "forbidden") return { kind: "forbidden" };
  if (rule.kind === "throttle") return { kind: "throttle", retryAfterSeconds: rule.retryAfterSeconds };
  if (rule.kind === "serverError")
    return { kind: "serverError", status: rule.status, retryAfterSeconds: rule.retryAfterSeconds };
  if (rule.kind === "drop" && rule.phase === "beforeHandling") return { kind: "drop" };
  return undefined;
}

function jittered(ms: number, jitterMs: number, random: () => number): number {
  return Math.max(0, Math.round(ms + (random() * 2 - 1) * jitterMs));
}
