import { describe, expect, it } from "vitest";
import { ManagedIdentityTokens } from "./managed-identity-tokens";
import { OpenIdConfigurations, REFRESH_MS, RETRY_MS } from "./openid-configurations";

function clock() {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** A fake OpenID endpoint: its answers can change or fail; every fetch is counted. */
function endpoint() {
  const state = { kid: "k1", failing: false, fetches: 0 };
  const fetchJson = async (url: string) => {
    state.fetches++;
    if (state.failing) throw new Error("down");
    if (url.endsWith("/openid-configuration")) return { issuer: "https://issuer/", jwks_uri: "https://issuer/keys" };
    return { keys: [{ kty: "RSA", kid: state.kid, n: "n", e: "AQAB" }] };
  };
  return { state, fetchJson };
}

const URL_ = "https://issuer/.well-known/openid-configuration";

describe("OpenID configuration cache", () => {
  it("fetches once, serves from the cache for an hour, then fetches again", async () => {
    const time = clock();
    const { state, fetchJson } = endpoint();
    const cache = new OpenIdConfigurations(fetchJson, time.now);
    expect((await cache.get(URL_))?.keys.map((key) => key.kid)).toEqual(["k1"]);
    expect(cache.fetches).toBe(1);
    time.advance(REFRESH_MS - 1);
    state.kid = "k2";
    expect((await cache.get(URL_))?.keys[0]?.kid).toBe("k1");
    time.advance(1);
    expect((await cache.get(URL_))?.keys[0]?.kid).toBe("k2");
    expect(cache.fetches).toBe(2);
  });

  it("shares one fetch among concurrent callers", async () => {
    const { fetchJson } = endpoint();
    const cache = new OpenIdConfigurations(fetchJson, clock().now);
    await Promise.all([cache.get(URL_), cache.get(URL_), cache.get(URL_)]);
    expect(cache.fetches).toBe(1);
  });

  it("refreshes for an unknown kid at most once per 5 minutes", async () => {
    const time = clock();
    const { state, fetchJson } = endpoint();
    const cache = new OpenIdConfigurations(fetchJson, time.now);
    await cache.get(URL_);
    state.kid = "rotated";
    time.advance(RETRY_MS - 1);
    expect((await cache.refreshForUnknownKey(URL_))?.keys[0]?.kid).toBe("k1");
    expect(cache.fetches).toBe(1);
    time.advance(1);
    expect((await cache.refreshForUnknownKey(URL_))?.keys[0]?.kid).toBe("rotated");
    expect(cache.fetches).toBe(2);
  });

  it("keeps the last good configuration when a refresh fails, and retries after 5 minutes", async () => {
    const time = clock();
    const { state, fetchJson } = endpoint();
    const cache = new OpenIdConfigurations(fetchJson, time.now);
    await cache.get(URL_);
    time.advance(REFRESH_MS);
    state.failing = true;
    expect((await cache.get(URL_))?.keys[0]?.kid).toBe("k1");
    const failedAt = state.fetches;
    time.advance(RETRY_MS - 1);
    await cache.get(URL_);
    expect(state.fetches).toBe(failedAt);
    state.failing = false;
    state.kid = "k3";
    time.advance(1);
    expect((await cache.get(URL_))?.keys[0]?.kid).toBe("k3");
  });

  it("has no configuration while the endpoint never answered", async () => {
    const { state, fetchJson } = endpoint();
    state.failing = true;
    expect(await new OpenIdConfigurations(fetchJson, clock().now).get(URL_)).toBeUndefined();
  });
});

describe("managed identity token cache", () => {
  const request = {
    principalId: "p",
    clientId: "c",
    resourceId: "/svc",
    resource: "https://cognitiveservices.azure.com",
  };

  it("reuses a token until five minutes before it expires, per identity and resource", async () => {
    const time = clock();
    let issued = 0;
    const tokens = new ManagedIdentityTokens(
      async () => ({ token: `t${++issued}`, expiresOn: time.now() + 60 * 60 * 1000 }),
      time.now,
    );
    expect(await tokens.token(request)).toBe("t1");
    time.advance(55 * 60 * 1000 - 1);
    expect(await tokens.token(request)).toBe("t1");
    expect(await tokens.token({ ...request, resource: "https://vault.azure.net" })).toBe("t2");
    time.advance(1);
    expect(await tokens.token(request)).toBe("t3");
    expect(tokens.requests).toBe(3);
  });

  it("does not keep a failure: the next call asks again", async () => {
    let calls = 0;
    const tokens = new ManagedIdentityTokens(async () => {
      calls++;
      if (calls === 1) throw new Error("AADSTS500011");
      return { token: "ok", expiresOn: Date.now() + 3_600_000 };
    });
    await expect(tokens.token(request)).rejects.toThrow("AADSTS500011");
    expect(await tokens.token(request)).toBe("ok");
  });
});
