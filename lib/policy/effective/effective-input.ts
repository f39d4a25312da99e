/**
 * What the effective-access analysis is given: the policy documents of every scope a call runs
 * through and the facts about the service that are not in any document. All plain data, so a use
 * case fills it from stored scope documents and ARM reads, and the CLI from files.
 */
import type { BackendEntityProperties } from "../backend-entity";
import type { PolicyFormat } from "../document/policy-document";
import type { AccessProfile } from "../profile-schema";

/** APIM's policy levels, broad to narrow (the workspace level is not read). */
export type PolicyScope = "global" | "product" | "api" | "operation";

/**
 * One scope's policy as it was read:
 * - `policy`: the stored document (ARM `properties.value`), in the format it was read with
 *   (default: `xml` when well-formed, `rawxml` otherwise);
 * - `none`: the scope has no policy (ARM answers 404): APIM runs the broader scopes' statements
 *   as if each section held only `<base />`;
 * - `unreadable`: reading failed (a 403 from ARM, …); `reason` says why, with ARM's status and
 *   request id when there was one. What the scope does is then undetermined, never assumed.
 */
export type ScopeDocument =
  | { status: "policy"; text: string; format?: PolicyFormat }
  | { status: "none" }
  | { status: "unreadable"; reason: string; armStatus?: number; requestId?: string };

export interface EffectivePipelineInput {
  global: ScopeDocument;
  /**
   * The product the call comes through (a subscription key of that product). Omit it for calls
   * that use no product: an API that requires no subscription, or an API-scoped or all-APIs
   * subscription, whose calls APIM does not run product policies for.
   */
  product?: { id: string; document: ScopeDocument };
  api: { id: string; document: ScopeDocument };
  /** The operation called. Omitted: an operation without a policy of its own. */
  operation?: { id: string; document: ScopeDocument };
  /** Policy fragments by fragment id (their `<fragment>` documents). An include-fragment of any other id is undetermined. */
  fragments?: Record<string, string>;
  /**
   * The API's access profile (as stored in Portcullis), when it has one: its API-key header is
   * classified as a credential header like `api-key` and `Authorization`, and the findings check
   * the named value it references.
   */
  profile?: AccessProfile;
}

/** The service's managed identities, as ARM returns the service's `identity`. */
export interface ServiceIdentity {
  type: "None" | "SystemAssigned" | "UserAssigned" | "SystemAssigned, UserAssigned";
  principalId?: string;
  /** By identity resource id. */
  userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string }>;
}

/**
 * A named value of the service. Never pass a secret's value (ARM does not return it on a GET
 * anyway): `value` is used only when `secret` is false, to resolve `{{name}}` references.
 */
export interface NamedValueFact {
  /** The displayName, which `{{name}}` refers to. */
  name: string;
  secret: boolean;
  value?: string;
  keyVault?: {
    secretIdentifier?: string;
    lastStatus?: { code: string; message?: string; timeStampUtc?: string };
  };
}

/**
 * Facts that are not in the policy documents. Each is optional: what is not given is not
 * assumed, and the analysis lists the conclusions it could not reach without it.
 */
export interface AccessFacts {
  /**
   * Whether a call along this path needs a subscription key: the product's `subscriptionRequired`
   * for calls through a product, the API's otherwise.
   */
  subscriptionRequired?: boolean;
  serviceIdentity?: ServiceIdentity;
  namedValues?: NamedValueFact[];
  /** Backend entities (ARM `properties`) by id: what a `set-backend-service backend-id` authenticates with. */
  backends?: Record<string, BackendEntityProperties>;
  /**
   * The Entra sign-in host the service's gateway takes tenants' tokens from (a national cloud's,
   * or a stand-in such as the sandbox identity provider); the public cloud's when not given.
   */
  entraAuthorityHost?: string;
  /** OpenID configurations by URL: the issuer each one declares (validate-jwt takes the issuer from it). */
  openIdConfigurations?: Record<string, { issuer: string }>;
}
