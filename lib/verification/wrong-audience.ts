/**
 * The audience of wrong-audience probe tokens. A probe token travels to the gateway (and, when
 * its policy passes the Authorization header on, to the backend), so it must be a credential
 * nowhere: a token for Portcullis's own API (what this probe used at first) is a bearer token for
 * Portcullis's REST API, and a token for any real resource (Graph, ARM, another API) carries the
 * probe identity's rights there. So the only audience used is VERIFY_WRONG_AUDIENCE, the App ID
 * URI of an app registration that exposes no API, and never one of Portcullis's own audiences nor
 * another resource's (credential-audiences.ts). Pure.
 */
import { credentialAudienceProblem } from "./credential-audiences";

export type OtherAudience = { ok: true; audience: string } | { ok: false; problem: string };

export function wrongAudienceFor(configured: string | null, portcullisAudiences: readonly string[]): OtherAudience {
  if (configured === null)
    return {
      ok: false,
      problem:
        "no audience that nothing accepts is configured (VERIFY_WRONG_AUDIENCE, the App ID URI of an app registration without an API); a token for a real API would be a credential there",
    };
  const credential = credentialAudienceProblem(configured, portcullisAudiences);
  if (credential !== null)
    return {
      ok: false,
      problem: `VERIFY_WRONG_AUDIENCE: ${credential}; it must name an app registration without an API`,
    };
  return { ok: true, audience: configured };
}
