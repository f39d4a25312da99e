import { ArmError } from "./arm-error";
import {
  authorizationMalformed,
  authorizationMissing,
  tokenExpired,
  tokenInvalid,
  tokenWrongAudience,
} from "./front-door-errors";

/**
 * Validates the bearer token of one ARM request. Supplied by whoever starts the simulator
 * (in sandbox mode: JWT validation against the sandbox identity provider, audience
 * `https://management.azure.com/`). It rejects to refuse the token; an ArmError it throws
 * is answered as is, jose's expiry and audience errors get ARM's codes, anything else
 * becomes ARM's generic InvalidAuthenticationToken.
 */
export type Authenticate = (authorizationHeader: string) => Promise<void>;

export async function authenticateRequest(header: string | undefined, authenticate: Authenticate): Promise<void> {
  if (header === undefined || header === "") throw authorizationMissing();
  if (!/^Bearer\s+\S+$/i.test(header)) throw authorizationMalformed();
  try {
    await authenticate(header);
  } catch (error) {
    throw asAuthenticationError(error);
  }
}

function asAuthenticationError(error: unknown): ArmError {
  if (error instanceof ArmError) return error;
  const { code, claim } = (error ?? {}) as { code?: unknown; claim?: unknown };
  if (code === "ERR_JWT_EXPIRED") return tokenExpired();
  if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED" && claim === "aud") return tokenWrongAudience();
  return tokenInvalid();
}
