/** Test helpers: unsigned-in-fact JWTs (the what-if never checks signatures) with chosen claims. */

const AT = Date.UTC(2026, 0, 15, 12, 0, 0) / 1000;

/** The instant the tests ask about, and tokens valid around it. */
export const NOW = new Date(AT * 1000);

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

export function jwt(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: "RS256", typ: "JWT" }): string {
  return `${base64url(header)}.${base64url(claims)}.${header.alg === "none" ? "" : "c2lnbmF0dXJl"}`;
}

/** Claims of a v2.0 Microsoft Entra access token, valid for an hour around NOW. */
export function entraClaims(tenant: string, client: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: `https://login.microsoftonline.com/${tenant}/v2.0`,
    aud: "api://portcullis-chat",
    azp: client,
    tid: tenant,
    ver: "2.0",
    nbf: AT - 600,
    iat: AT - 600,
    exp: AT + 3000,
    ...extra,
  };
}

export function secondsFromNow(seconds: number): number {
  return AT + seconds;
}
