/**
 * Whether the gateway's answer to a probe is the one expected, and if not, the likely cause in
 * an administrator's words. Pure. The answer's body is read only to tell who answered (APIM's own
 * refusals are `{statusCode, message}`, the model's `{error: {code, message}}`) and to quote their
 * short message; it is never stored whole.
 */
import type { ProbeExpectation } from "./probe-kinds";

export interface GatewayAnswer {
  status: number;
  /** The body as text (at most a few KiB are read). */
  body: string;
  retryAfter: string | null;
}

export type Judgement = { outcome: "passed"; detail: string | null } | { outcome: "failed" | "error"; detail: string };

const MAX_QUOTE = 200;

function quote(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > MAX_QUOTE ? `${flat.slice(0, MAX_QUOTE - 1)}…` : flat;
}

/** Who answered and what they said: APIM's own refusal, the model's error, or something else. */
function speaker(body: string): {
  who: "gateway" | "backend" | "unknown";
  message: string | null;
  code: string | null;
} {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { who: "unknown", message: body.trim() === "" ? null : quote(body), code: null };
  }
  if (parsed && typeof parsed === "object") {
    const record = parsed as Record<string, unknown>;
    if (typeof record.statusCode === "number" && typeof record.message === "string")
      return { who: "gateway", message: quote(record.message), code: null };
    const error = record.error as Record<string, unknown> | undefined;
    if (error && typeof error === "object")
      return {
        who: "backend",
        message: typeof error.message === "string" ? quote(error.message) : null,
        code: typeof error.code === "string" ? error.code : null,
      };
  }
  return { who: "unknown", message: null, code: null };
}

export function judgeAnswer(expected: ProbeExpectation, answer: GatewayAnswer): Judgement {
  const { status } = answer;
  const said = speaker(answer.body);
  const saying = said.message ? `: "${said.message}"` : "";
  if (status === 429)
    return {
      outcome: "error",
      detail: `the gateway limited the probes (429${answer.retryAfter ? `, retry after ${answer.retryAfter} s` : ""}); not retried`,
    };
  if (expected.decision === "allowed") {
    if (status >= 200 && status < 300) return { outcome: "passed", detail: null };
    if (said.who === "backend" && (status === 401 || status === 403))
      return {
        outcome: "failed",
        detail: `the model refused APIM's credential: ${status} from the backend${said.code ? ` (${said.code})` : ""}${saying}`,
      };
    if (said.who === "backend")
      return {
        outcome: "failed",
        detail: `the model answered ${status}${said.code ? ` (${said.code})` : ""}${saying}`,
      };
    if (status === 401 || status === 403)
      return {
        outcome: "failed",
        detail: `the gateway refused a caller the configured policy lets in: ${status}${saying} (APIM holds another policy than the one read, or the token is not what the what-if saw)`,
      };
    if (status >= 500)
      return { outcome: "failed", detail: `the gateway failed before reaching the model: ${status}${saying}` };
    return { outcome: "failed", detail: `expected the model's answer (2xx), got ${status}${saying}` };
  }
  if (status >= 200 && status < 300)
    return {
      outcome: "failed",
      detail: `the gateway let the call reach the model (${status}); expected a refusal${expected.status ? ` with ${expected.status}` : ""}${expected.by ? ` by ${expected.by}` : ""}`,
    };
  if (expected.status !== null && status !== expected.status)
    return {
      outcome: "failed",
      detail: `expected ${expected.status}${expected.by ? ` from ${expected.by}` : ""}, got ${status}${said.who === "backend" ? " from the backend" : ""}${saying}`,
    };
  if (said.who === "backend")
    return {
      outcome: "failed",
      detail: `the call got past the gateway and the model refused it (${status}${saying}); the gateway was expected to refuse it`,
    };
  return { outcome: "passed", detail: said.message };
}
