/** The probes a verification sends, in the order it sends them. */
export const PROBE_KINDS = [
  "noToken",
  "notAllowedClient",
  "wrongAudience",
  "expired",
  "missingClaim",
  "allowedClient",
] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];

export const PROBE_LABELS: Record<ProbeKind, string> = {
  noToken: "No token",
  notAllowedClient: "A client that is not allowed",
  wrongAudience: "A token for another audience",
  expired: "An expired token",
  missingClaim: "A token missing a required claim",
  allowedClient: "An allowed client",
};

/** What the what-if evaluator expects the gateway to answer. */
export interface ProbeExpectation {
  decision: "allowed" | "denied";
  /** The status a denial answers; null when it cannot be known (an expression, on-error may change it). */
  status: number | null;
  /** The statement that decides, in words (e.g. "validate-azure-ad-token (api, line 3)"). */
  by: string | null;
  /** Why, in words (the what-if's reasons). */
  because: string[];
}
