/**
 * Tokens for probes, with client credentials from the identity provider Portcullis signs in
 * against: the Portcullis probe identity (its own app registration) and, in the sandbox only, the
 * sandbox's caller client applications. Kept in this process's memory until shortly before they
 * expire, never written anywhere, never logged.
 */
import { getEntraConfig } from "../auth/bearer-context";
import { getConfig } from "../env";
import { credentialAudienceProblem } from "./credential-audiences";
import { wrongAudienceFor, type OtherAudience } from "./wrong-audience";

export interface ProbeClient {
  clientId: string;
  clientSecret: string;
  /** In words: "Portcullis probe (client id …)" or the sandbox caller's display name. */
  caller: string;
  identity: "probe" | "sandboxCaller";
}

export type TokenResult = { ok: true; token: string } | { ok: false; problem: string };

const cache = new Map<string, { token: string; until: number }>();
const TOKEN_TIMEOUT_MS = 10_000;

/** The clients whose tokens probes may send: the probe identity first. */
export function probeClients(): ProbeClient[] {
  const entra = getEntraConfig();
  return [
    {
      clientId: entra.clientId,
      clientSecret: entra.clientSecret,
      caller: probeIdentityName(),
      identity: "probe",
    },
    ...getConfig().verification.sandboxCallerClients.map((client) => ({
      ...client,
      caller: `${client.displayName} (client ${client.clientId})`,
      identity: "sandboxCaller" as const,
    })),
  ];
}

/** The Portcullis probe's client id (Portcullis's own app registration), for the profile editor's offer. */
export function probeClientId(): string {
  return getEntraConfig().clientId;
}

export function probeIdentityName(): string {
  return `the Portcullis probe identity (client ${getEntraConfig().clientId})`;
}

export function entraAuthorityHost(): string {
  return getEntraConfig().authorityHost;
}

/** The audience wrong-audience probes ask a token for (see wrong-audience.ts). */
export function otherAudience(): OtherAudience {
  return wrongAudienceFor(getConfig().verification.wrongAudience, getEntraConfig().acceptedAudiences);
}

export async function tokenFor(client: ProbeClient, audience: string): Promise<TokenResult> {
  // Never asked for, whoever's caller check names it: such a token is a credential elsewhere.
  const credential = credentialAudienceProblem(audience, getEntraConfig().acceptedAudiences);
  if (credential !== null) return { ok: false, problem: `no token is asked for: ${credential}` };
  const scope = `${audience.replace(/\/+$/, "")}/.default`;
  const key = `${client.clientId}|${scope}`;
  const cached = cache.get(key);
  if (cached && cached.until > Date.now()) return { ok: true, token: cached.token };
  const entra = getEntraConfig();
  let response: Response;
  try {
    response = await fetch(`${entra.authority}/oauth2/v2.0/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: client.clientId,
        client_secret: client.clientSecret,
        scope,
      }),
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
  } catch (error) {
    return {
      ok: false,
      problem: `no token for ${client.caller}: the token endpoint could not be reached (${(error as Error).name})`,
    };
  }
  const body = (await response.json().catch(() => ({}))) as {
    access_token?: unknown;
    expires_in?: unknown;
    error?: unknown;
  };
  if (!response.ok || typeof body.access_token !== "string")
    return {
      ok: false,
      problem: `no token for ${client.caller} for ${scope}: ${typeof body.error === "string" ? body.error : `status ${response.status}`}`,
    };
  const seconds = typeof body.expires_in === "number" ? body.expires_in : 300;
  // Kept until five minutes before it expires, so a probe never sends a token about to lapse.
  cache.set(key, { token: body.access_token, until: Date.now() + Math.max(0, seconds - 300) * 1000 });
  return { ok: true, token: body.access_token };
}
