/**
 * For `delivery: "backend"` the policy only says `<set-backend-service backend-id="…" />`; the URL
 * and the credentials live in the APIM backend entity. These functions write the entity a profile
 * needs (ARM `properties`) and read one back, so policy + entity round-trips to the profile.
 */
import { backendAuthSchema, type AccessProfile, type BackendAuth } from "./profile-schema";
import { withoutUndefined } from "./read/statement-reading";

/** The ARM `properties` of a backend, as far as the engine reads or writes them. */
export interface BackendEntityProperties {
  url?: string;
  protocol?: string;
  credentials?: {
    header?: Record<string, string[]>;
    /** Not in the 2024-05-01 contract; sent with a preview api-version (see the ARM reference). */
    managedIdentity?: { resource?: string; clientId?: string };
    [other: string]: unknown;
  };
  [other: string]: unknown;
}

/**
 * The fields of an APIM backend that an access profile decides (where the model is and how
 * APIM authenticates to it). Everything else on a backend (title, description, TLS, circuit
 * breaker, proxy, …) belongs to whoever else manages it: a write keeps it as read, drift calls
 * a change there harmless.
 */
export interface ManagedBackendFields {
  url: string;
  protocol: string;
  credentials: Record<string, unknown>;
}

export interface BackendEntity {
  backendId: string;
  properties: BackendEntityProperties;
}

/** The backend entity a profile with backend delivery needs, or undefined when it needs none. */
export function renderBackendEntity(profile: AccessProfile): BackendEntity | undefined {
  const backend = profile.backendAuth;
  if (backend.mode === "none" || backend.delivery !== "backend") return undefined;
  const credentials: BackendEntityProperties["credentials"] =
    backend.mode === "apiKey"
      ? { header: { [backend.headerName]: [`{{${backend.namedValue}}}`] } }
      : {
          managedIdentity:
            backend.clientId === undefined
              ? { resource: backend.resource }
              : { resource: backend.resource, clientId: backend.clientId },
        };
  return { backendId: backend.backendId, properties: { url: backend.backendUrl, protocol: "http", credentials } };
}

export type BackendEntityReading = { ok: true; backendAuth: BackendAuth } | { ok: false; reason: string };

const NAMED_VALUE_ONLY = /^\{\{([^{}]+)\}\}$/;

/** Reads the backend auth that a policy selecting `backendId` gets from this entity. */
export function readBackendEntity(backendId: string, properties: BackendEntityProperties): BackendEntityReading {
  const { header, managedIdentity, ...otherCredentials } = properties.credentials ?? {};
  const others = Object.entries(otherCredentials)
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([key]) => key);
  if (others.length > 0)
    return {
      ok: false,
      reason: `backend '${backendId}' also uses credentials.${others.join(", credentials.")}, which a profile does not describe`,
    };
  const headers = Object.entries(header ?? {});
  if (headers.length > 0 && managedIdentity !== undefined) {
    return { ok: false, reason: `backend '${backendId}' has both header credentials and a managed identity` };
  }
  let candidate: unknown;
  if (managedIdentity !== undefined) {
    candidate = {
      mode: "managedIdentity",
      resource: managedIdentity.resource,
      clientId: managedIdentity.clientId,
      delivery: "backend",
      backendId,
      backendUrl: properties.url,
    };
  } else {
    const [only, ...more] = headers;
    const namedValue =
      only !== undefined && only[1].length === 1 ? NAMED_VALUE_ONLY.exec(only[1][0] ?? "")?.[1] : undefined;
    if (only === undefined || more.length > 0 || namedValue === undefined) {
      return {
        ok: false,
        reason: `backend '${backendId}' does not send exactly one header whose value is one {{named value}}`,
      };
    }
    candidate = {
      mode: "apiKey",
      namedValue,
      headerName: only[0],
      delivery: "backend",
      backendId,
      backendUrl: properties.url,
    };
  }
  const parsed = backendAuthSchema.safeParse(withoutUndefined(candidate));
  if (!parsed.success)
    return {
      ok: false,
      reason: `backend '${backendId}': ${parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ")}`,
    };
  return { ok: true, backendAuth: parsed.data };
}
