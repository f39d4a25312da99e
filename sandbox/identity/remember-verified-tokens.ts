import type { JWTPayload } from "jose";

/** How many verified tokens are remembered at most: the oldest is forgotten first. */
const REMEMBERED_TOKENS = 1000;

/**
 * Verifies bearer tokens through `verify` (jose's `jwtVerify` with the sandbox's keys and the
 * expected issuer and audience), remembering each one that passed until its `exp`. A client
 * sends the same token on every call until it renews it, and checking its RS256 signature again
 * on every ARM request was a third of the APIM simulator's CPU in the apply benchmarks
 * (bench/README.md). What is accepted does not change: the sandbox's signing keys never rotate,
 * so a signature that verified once verifies again, and a remembered token whose `exp` has come
 * (`exp <= now` in seconds, as jose counts) is verified anew, so it gets the verifier's own
 * expiry error. A token without `exp` is never remembered, and a refused one never is.
 */
export function rememberVerifiedTokens(
  verify: (token: string) => Promise<JWTPayload>,
  now: () => number = Date.now,
): (token: string) => Promise<void> {
  const expiryByToken = new Map<string, number>();
  return async (token) => {
    const expiry = expiryByToken.get(token);
    if (expiry !== undefined && Math.floor(now() / 1000) < expiry) return;
    expiryByToken.delete(token);
    const { exp } = await verify(token);
    if (exp === undefined) return;
    if (expiryByToken.size >= REMEMBERED_TOKENS) expiryByToken.delete(expiryByToken.keys().next().value!);
    expiryByToken.set(token, exp);
  };
}
