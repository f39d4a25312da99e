import { describe, expect, it } from "vitest";
import { judgeAnswer } from "./judge-answer";
import type { ProbeExpectation } from "./probe-kinds";

const allowed: ProbeExpectation = { decision: "allowed", status: null, by: null, because: [] };
const denied401: ProbeExpectation = {
  decision: "denied",
  status: 401,
  by: "validate-azure-ad-token (api policy, line 4)",
  because: [],
};
const answer = (status: number, body: unknown = "", retryAfter: string | null = null) => ({
  status,
  body: typeof body === "string" ? body : JSON.stringify(body),
  retryAfter,
});

describe("judgeAnswer", () => {
  it("passes an allowed probe that reached the model, and names the model's refusal of APIM's credential", () => {
    expect(judgeAnswer(allowed, answer(200, { choices: [] }))).toEqual({ outcome: "passed", detail: null });
    expect(
      judgeAnswer(
        allowed,
        answer(401, { error: { code: "PermissionDenied", message: "Principal does not have access." } }),
      ),
    ).toEqual({
      outcome: "failed",
      detail:
        'the model refused APIM\'s credential: 401 from the backend (PermissionDenied): "Principal does not have access."',
    });
  });

  it("tells the gateway's own refusal of an allowed caller from the model's", () => {
    const judged = judgeAnswer(allowed, answer(401, { statusCode: 401, message: "JWT not present." }));
    expect(judged.outcome).toBe("failed");
    expect(judged.detail).toMatch(
      /^the gateway refused a caller the configured policy lets in: 401: "JWT not present."/,
    );
    expect(
      judgeAnswer(allowed, answer(500, { statusCode: 500, message: "Managed identity not enabled." })).detail,
    ).toBe('the gateway failed before reaching the model: 500: "Managed identity not enabled."');
  });

  it("passes a denial with the expected status and fails one that got in or got another status", () => {
    expect(judgeAnswer(denied401, answer(401, { statusCode: 401, message: "Access denied." }))).toEqual({
      outcome: "passed",
      detail: "Access denied.",
    });
    expect(judgeAnswer(denied401, answer(200, {})).detail).toBe(
      "the gateway let the call reach the model (200); expected a refusal with 401 by validate-azure-ad-token (api policy, line 4)",
    );
    expect(judgeAnswer(denied401, answer(403, { statusCode: 403, message: "Forbidden" })).outcome).toBe("failed");
    // A refusal the model made means the gateway let the call through.
    expect(judgeAnswer({ ...denied401, status: null }, answer(401, { error: { code: "401" } })).outcome).toBe("failed");
  });

  it("reports a rate-limited gateway as an error, not a verdict", () => {
    expect(judgeAnswer(denied401, answer(429, "", "30"))).toEqual({
      outcome: "error",
      detail: "the gateway limited the probes (429, retry after 30 s); not retried",
    });
  });

  it("quotes at most 200 characters of what the gateway said", () => {
    const judged = judgeAnswer(denied401, answer(401, { statusCode: 401, message: "x".repeat(500) }));
    expect(judged.detail).toHaveLength(200);
  });
});
