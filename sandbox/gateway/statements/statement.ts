import type { PolicyElement } from "../../../lib/policy";
import type { Exchange, GatewayRuntime } from "../pipeline/exchange";

export type PolicyScope = "global" | "product" | "api" | "operation";
export type Section = "inbound" | "backend" | "outbound" | "on-error";

/** A statement of the effective pipeline: its element and where it came from. */
export interface Located {
  element: PolicyElement;
  scope: PolicyScope;
  section: Section;
}

/** "return": the pipeline stops and `exchange.response` is the answer (return-response). */
export type StatementResult = "continue" | "return";

export interface StatementRun {
  located: Located;
  exchange: Exchange;
  runtime: GatewayRuntime;
  /** Runs nested statements (choose's branches) in the same section and scope. */
  runChildren(children: PolicyElement[]): Promise<StatementResult>;
}

export type Statement = (run: StatementRun) => Promise<StatementResult>;
