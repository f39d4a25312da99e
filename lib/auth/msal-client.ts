import { randomBytes } from "node:crypto";
import { AuthError, ConfidentialClientApplication, CryptoProvider, ServerError } from "@azure/msal-node";
import { errors } from "jose";
import { z } from "zod";
import { AppError } from "../errors";
import type { EntraConfig } from "./entra-config";
import { createTenantDiscovery, type TenantDiscovery } from "./tenant-discovery";
import { verifyTenantJwt } from "./verify-tenant-jwt";

/** What the caller keeps server-side between sending the user away and the callback. */
export interface PendingSignIn {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export interface SignInStart extends PendingSignIn {
  /** Where to redirect the browser. */
  authorizationUrl: string;
}

/** The signed-in user, from the validated ID token. */
export interface SignedInUser {
  oid: string;
  tid: string;
  name: string;
  /** `preferred_username`: usually the UPN; for display, never for identity (use `oid`). */
  username: string;
  /** App role names from the `roles` claim; empty when the user holds none. */
  roles: string[];
}

export interface EntraSignIn {
  startSignIn(input: { redirectUri: string; prompt?: "login"; loginHint?: string }): Promise<SignInStart>;
  /**
   * Redeems the authorization code from the callback's query (`code`, `state`, or `error`).
   * Throws AppError("unauthenticated") for a refused, cancelled, replayed or forged sign-in.
   */
  completeSignIn(input: {
    redirectUri: string;
    callbackParams: URLSearchParams;
    pending: PendingSignIn;
  }): Promise<SignedInUser>;
  signOutUrl(input: { postLogoutRedirectUri: string }): Promise<string>;
}

// MSAL adds openid, profile and offline_access itself; the ID token is all sign-in needs.
const SIGN_IN_SCOPES = ["openid", "profile"];

const idTokenClaimsSchema = z.object({
  oid: z.string(),
  tid: z.string(),
  name: z.string().optional(),
  preferred_username: z.string().optional(),
  roles: z.array(z.string()).optional(),
});

function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * MSAL Node confidential client for the authorization-code flow with PKCE. The same code runs
 * against Entra ID and against the sandbox identity provider; the only difference is how
 * MSAL is told to trust the authority (see `msalConfiguration`).
 */
export function createEntraSignIn(
  config: EntraConfig,
  discovery: TenantDiscovery = createTenantDiscovery(config),
): EntraSignIn {
  const msal = new ConfidentialClientApplication(msalConfiguration(config));
  const pkce = new CryptoProvider();

  return {
    async startSignIn({ redirectUri, prompt, loginHint }) {
      const { verifier, challenge } = await pkce.generatePkceCodes();
      const state = randomToken();
      const nonce = randomToken();
      const authorizationUrl = await msal.getAuthCodeUrl({
        scopes: SIGN_IN_SCOPES,
        redirectUri,
        state,
        nonce,
        codeChallenge: challenge,
        codeChallengeMethod: "S256",
        prompt,
        loginHint,
      });
      return { authorizationUrl, state, nonce, codeVerifier: verifier };
    },

    async completeSignIn({ redirectUri, callbackParams, pending }) {
      const error = callbackParams.get("error");
      if (error) {
        // The description comes from the URL, so only a well-formed error code is repeated.
        const code = /^[a-z_]{1,64}$/.test(error) ? error : "invalid_response";
        throw new AppError("unauthenticated", error === "access_denied" ? "Sign-in was cancelled" : "Sign-in failed", {
          details: { error: code },
        });
      }
      const code = callbackParams.get("code");
      if (!code) throw new AppError("unauthenticated", "The sign-in response has no authorization code");

      let idToken: string;
      try {
        const result = await msal.acquireTokenByCode(
          {
            code,
            scopes: SIGN_IN_SCOPES,
            redirectUri,
            codeVerifier: pending.codeVerifier,
            nonce: pending.nonce,
            state: pending.state,
          },
          // MSAL compares this returned state with the expected one above.
          { code, state: callbackParams.get("state") ?? "" },
        );
        idToken = result.idToken;
        // Sessions live in our database; MSAL's in-memory cache would only grow with every user.
        if (result.account) await msal.getTokenCache().removeAccount(result.account);
      } catch (cause) {
        throw signInFailure(cause);
      }
      return verifiedUser(config, discovery, idToken);
    },

    async signOutUrl({ postLogoutRedirectUri }) {
      const url = new URL(await discovery.endSessionEndpoint());
      url.searchParams.set("post_logout_redirect_uri", postLogoutRedirectUri);
      // Lets a standard OpenID provider (the sandbox) match the registered logout URI; Entra
      // identifies the app from its own session and ignores it.
      url.searchParams.set("client_id", config.clientId);
      return url.href;
    },
  };
}

/**
 * Entra's hosts: MSAL's defaults (it ships their metadata and performs instance discovery).
 * Any other host: MSAL would ask login.microsoftonline.com whether it is a valid authority,
 * which fails for a private host (and offline). Declaring it a known authority makes MSAL
 * trust it and read its metadata from `{authority}/v2.0/.well-known/openid-configuration`,
 * whose issuer MSAL then checks against the authority's host.
 */
export function msalConfiguration(config: EntraConfig): ConstructorParameters<typeof ConfidentialClientApplication>[0] {
  return {
    auth: {
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      authority: config.authority,
      ...(config.isMicrosoftHost ? {} : { knownAuthorities: [new URL(config.authorityHost).host] }),
    },
  };
}

/**
 * MSAL checks state and nonce but not the ID token's signature (it trusts the TLS channel to
 * the token endpoint); the identity is taken only from a token verified here like any other.
 */
async function verifiedUser(config: EntraConfig, discovery: TenantDiscovery, idToken: string): Promise<SignedInUser> {
  let payload: unknown;
  try {
    payload = await verifyTenantJwt(idToken, config, discovery, config.clientId);
  } catch (cause) {
    if (cause instanceof AppError) throw cause;
    if (cause instanceof errors.JOSEError && !(cause instanceof errors.JWKSTimeout)) {
      throw new AppError("unauthenticated", "The ID token could not be validated", { cause });
    }
    throw new AppError("unavailable", "The tenant's signing keys could not be loaded", { cause });
  }
  const claims = idTokenClaimsSchema.safeParse(payload);
  if (!claims.success) throw new AppError("unauthenticated", "The ID token's claims are malformed");
  const { oid, name, preferred_username: username, roles } = claims.data;
  return { oid, tid: config.tenantId, name: name ?? username ?? oid, username: username ?? oid, roles: roles ?? [] };
}

function signInFailure(cause: unknown): AppError {
  if (cause instanceof ServerError && cause.errorCode === "invalid_grant") {
    return new AppError("unauthenticated", "The sign-in code has expired or was already used", { cause });
  }
  if (cause instanceof AuthError && ["state_mismatch", "state_not_found", "nonce_mismatch"].includes(cause.errorCode)) {
    return new AppError("unauthenticated", "The sign-in response does not belong to this sign-in", { cause });
  }
  return new AppError("unavailable", "The identity provider could not complete the sign-in", { cause });
}
