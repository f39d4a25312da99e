import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { AppError } from "../errors";
import type { EntraConfig } from "./entra-config";

/**
 * The tenant's OpenID discovery document, read once per process: where its signing keys are
 * (`jwks_uri`) and where users sign out. The keys themselves are cached and refreshed by
 * jose (re-fetched when a token names an unknown key id, at most every 30 seconds).
 */
export interface TenantDiscovery {
  /** Key resolver for `jwtVerify`, over the tenant's JWKS. */
  keys: JWTVerifyGetKey;
  endSessionEndpoint(): Promise<string>;
}

const discoverySchema = z.object({
  issuer: z.string(),
  jwks_uri: z.url({ protocol: /^https$/ }),
  end_session_endpoint: z.url({ protocol: /^https$/ }),
});

interface Discovered {
  jwks: JWTVerifyGetKey;
  endSessionEndpoint: string;
}

const TIMEOUT_MS = 10_000;

export function createTenantDiscovery(config: EntraConfig): TenantDiscovery {
  let pending: Promise<Discovered> | undefined;
  const discover = (): Promise<Discovered> => {
    // A failed attempt is forgotten so that the next request tries again.
    pending ??= fetchDiscovery(config).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  return {
    keys: async (header, token) => (await discover()).jwks(header, token),
    endSessionEndpoint: async () => (await discover()).endSessionEndpoint,
  };
}

async function fetchDiscovery(config: EntraConfig): Promise<Discovered> {
  let body: unknown;
  try {
    const response = await fetch(config.openIdConfigurationUrl, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    body = await response.json();
  } catch (cause) {
    throw new AppError("unavailable", "The identity provider's discovery document could not be read", { cause });
  }
  const parsed = discoverySchema.safeParse(body);
  if (!parsed.success) {
    throw new AppError("unavailable", "The identity provider's discovery document is not usable", {
      cause: parsed.error,
    });
  }
  // A document for another tenant or host means the configuration points somewhere else
  // than the issuer tokens are pinned to; refuse it rather than trust its keys.
  if (parsed.data.issuer !== config.acceptedIssuers[0]) {
    throw new AppError("config", "The identity provider's discovery document names a different issuer", {
      details: { expected: config.acceptedIssuers[0], actual: parsed.data.issuer },
    });
  }
  return {
    jwks: createRemoteJWKSet(new URL(parsed.data.jwks_uri), { timeoutDuration: TIMEOUT_MS }),
    endSessionEndpoint: parsed.data.end_session_endpoint,
  };
}
