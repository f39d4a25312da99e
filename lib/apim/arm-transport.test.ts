import type { AccessToken, TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { appErrorOf } from "../../test/support/apim/app-error";
import { armError, fakeArm, type FakeReply } from "../../test/support/apim/fake-arm";

/** A credential that hands out `tok-1`, `tok-2`, … each valid for `lifetimeMs`, counting its calls. */
function countingCredential(lifetimeMs: number) {
  const asked: string[] = [];
  const credential: TokenCredential = {
    async getToken(scopes): Promise<AccessToken> {
      asked.push([scopes].flat().join(" "));
      return { token: `tok-${asked.length}`, expiresOnTimestamp: Date.now() + lifetimeMs };
    },
  };
  return { asked, credential };
}

const api: FakeReply = { status: 200, headers: { etag: '"1"' }, body: { name: "a", properties: { path: "a" } } };

describe("the ARM transport", () => {
  it("asks for a token once and signs every request of every call with it while it is valid", async () => {
    const arm = fakeArm(() => api);
    const { asked, credential } = countingCredential(3_600_000);
    const client = arm.client({ credential, scope: "https://management.azure.com/.default" });
    await Promise.all(Array.from({ length: 8 }, (_, i) => client.getApi(`api-${i}`)));
    await client.getApi("api-9");
    expect(asked).toEqual(["https://management.azure.com/.default"]);
    expect(arm.requests.map((request) => request.headers.authorization)).toEqual(Array(9).fill("Bearer tok-1"));
  });

  it("signs a retry again, so an attempt after the token expired carries a new one", async () => {
    const replies: FakeReply[] = [{ status: 503, headers: { "retry-after-ms": "30" } }, api];
    const arm = fakeArm((_, index) => replies[index] as FakeReply);
    // Shorter than the wait before the retry (and within the policy's refresh window at once).
    const { asked, credential } = countingCredential(10);
    const { trace } = await arm.client({ credential }).getApi("a");
    expect(trace.attempts).toBe(2);
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(arm.requests.map((request) => request.headers.authorization)).toEqual([
      "Bearer tok-1",
      `Bearer tok-${asked.length}`,
    ]);
  });

  it("stamps the call's correlation id, a request id per request, our user agent and JSON headers", async () => {
    const arm = fakeArm(() => ({ status: 200, headers: { etag: '"2"' }, body: { properties: { value: "<p/>" } } }));
    await arm.client().getApiPolicy("a", { correlationId: "step-7" });
    await arm.client().putApiPolicy("a", "<policies />", { etag: '"2"' }, { correlationId: "step-7" });
    const [read, write] = arm.requests;
    for (const request of [read, write]) {
      expect(request?.headers["x-ms-correlation-request-id"]).toBe("step-7");
      expect(request?.headers["x-ms-client-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(request?.headers["user-agent"]).toMatch(/^portcullis /);
      expect(request?.headers.accept).toBe("application/json");
      expect(request?.headers["accept-encoding"]).toBe("gzip,deflate");
    }
    expect(read?.headers["x-ms-client-request-id"]).not.toBe(write?.headers["x-ms-client-request-id"]);
    expect(read?.headers["content-type"]).toBeUndefined();
    expect(read?.headers["if-match"]).toBeUndefined();
    expect(write?.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(write?.headers["if-match"]).toBe('"2"');
    expect(JSON.parse(write?.body ?? "")).toEqual({ properties: { value: "<policies />", format: "xml" } });
  });

  it("follows no redirect: the token never goes where a 3xx points", async () => {
    const arm = fakeArm(() => ({ status: 307, headers: { location: "https://elsewhere.example/x" } }));
    const error = await appErrorOf(arm.client().getApi("a"));
    expect(error.details).toMatchObject({ status: 307, attempts: 1 });
    expect(arm.requests.map((request) => request.url.origin)).toEqual(["https://arm.test"]);
  });

  it("maps a refused token request to an error naming the credential's failure, sending nothing", async () => {
    const arm = fakeArm(() => api);
    const credential: TokenCredential = {
      getToken: () => {
        const error = new Error("AADSTS7000215: Invalid client secret provided.");
        error.name = "AuthenticationError";
        return Promise.reject(error);
      },
    };
    const error = await appErrorOf(arm.client({ credential }).getApi("a"));
    expect(error.code).toBe("upstream");
    expect(error.message).toMatch(/could not get an ARM token .*AADSTS7000215/);
    expect(arm.requests).toEqual([]);
  });

  it("ends the call at its deadline while a retry waits, without sending again", async () => {
    const arm = fakeArm(() => ({ status: 429, headers: { "retry-after-ms": "200" }, body: armError("Busy", "wait") }));
    const error = await appErrorOf(arm.client().getApi("a", { timeoutMs: 50 }));
    expect(error.code).toBe("unavailable");
    expect(arm.requests).toHaveLength(1);
  });
});
