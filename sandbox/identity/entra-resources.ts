import { errors, type KoaContextWithOIDC, type ResourceServer } from "oidc-provider";
// Azure Resource Manager, the audience the APIM simulator requires.
import { ARM_AUDIENCE, MICROSOFT_GRAPH_AUDIENCE, SANDBOX_PROBE_ONLY_AUDIENCE } from "../sandbox-coordinates";

/**
 * Entra has no `resource` parameter in its v2 endpoints: the audience of an access token is
 * named by a `{resource}/.default` scope. oidc-provider speaks RFC 8707 resource indicators,
 * so these hooks translate the one into the other: the `.default` scope picks the resource,
 * and each resource gets RS256 JWT access tokens with the audience Entra would put there.
 */

/** The App ID URIs of the sandbox's own APIs: Portcullis's API and the LLM APIs behind the gateway. */
export interface SandboxAudiences {
  apiAudience: string;
  llmApiAudience: string;
}

interface SandboxResource {
  audience: string;
  /** The scope that asks for it, exactly as clients send it. */
  scope: string;
  /** Whose app roles its tokens carry: Portcullis's (admin, …), the LLM APIs' (caller clients'), Graph's (the web app's), or none (ARM). */
  appRoles: "portcullis" | "llm" | "graph" | null;
  /** The delegated permission a user token carries in `scp`, as the real API exposes it. */
  delegatedScope: string;
}

const DEFAULT_SUFFIX = "/.default";
const ACCESS_TOKEN_SECONDS = 60 * 60;

function withoutTrailingSlash(value: string): string {
  return value.endsWith("/") ? value.slice(0, -1) : value;
}

function resource(audience: string, appRoles: SandboxResource["appRoles"], delegatedScope: string): SandboxResource {
  return { audience, scope: `${withoutTrailingSlash(audience)}${DEFAULT_SUFFIX}`, appRoles, delegatedScope };
}

function sandboxResources({ apiAudience, llmApiAudience }: SandboxAudiences): SandboxResource[] {
  return [
    resource(apiAudience, "portcullis", "access_as_user"),
    resource(ARM_AUDIENCE, null, "user_impersonation"),
    resource(llmApiAudience, "llm", "access_as_user"),
    // No API behind it: what wrong-audience probe tokens are for.
    resource(SANDBOX_PROBE_ONLY_AUDIENCE, null, "access_as_user"),
    // The identity provider's stand-in for Microsoft Graph (graph-service-principals.ts).
    resource(MICROSOFT_GRAPH_AUDIENCE, "graph", "User.Read"),
  ];
}

export function findSandboxResource(
  audiences: SandboxAudiences,
  audience: string | undefined,
): SandboxResource | undefined {
  return sandboxResources(audiences).find((candidate) => candidate.audience === audience);
}

/**
 * `features.resourceIndicators.defaultResource`: the resource named by the request's
 * `.default` scope. A sign-in that names none (only `openid profile offline_access`) gets
 * a token for the app's own API: Entra would hand out a Microsoft Graph token there, which
 * the app never uses, and oidc-provider would otherwise issue an opaque userinfo token.
 */
export function defaultResourceFor(audiences: SandboxAudiences) {
  return (ctx: KoaContextWithOIDC, _client: unknown, oneOf?: readonly string[]): string | readonly string[] => {
    if (oneOf) return oneOf;
    const scopes = String(ctx.oidc.params?.scope ?? "").split(" ");
    const requested = scopes.find((scope) => scope.endsWith(DEFAULT_SUFFIX));
    if (!requested) return audiences.apiAudience;
    const known = sandboxResources(audiences).find((candidate) => candidate.scope === requested);
    // An unknown resource is passed on as named, so getResourceServerInfo refuses it with
    // invalid_target, as Entra refuses a resource it does not know.
    return known?.audience ?? requested.slice(0, -DEFAULT_SUFFIX.length);
  };
}

/** `features.resourceIndicators.getResourceServerInfo`. */
export function resourceServerInfoFor(audiences: SandboxAudiences) {
  return (_ctx: KoaContextWithOIDC, indicator: string): ResourceServer => {
    const known = findSandboxResource(audiences, indicator);
    if (!known) throw new errors.InvalidTarget(`resource ${indicator} is not known to the sandbox tenant`);
    return {
      scope: known.scope,
      audience: known.audience,
      accessTokenFormat: "jwt",
      accessTokenTTL: ACCESS_TOKEN_SECONDS,
      jwt: { sign: { alg: "RS256" } },
    };
  };
}
