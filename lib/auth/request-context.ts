import type { Permission, Role } from "./permissions";

/** Who is acting. `app` is a service principal using the REST API with client credentials. */
export interface Actor {
  type: "user" | "app";
  /** Entra object id of the user or service principal. */
  oid: string;
  tid: string;
  name: string;
  roles: Role[];
}

/**
 * Everything a use case needs to know about the request: the authenticated actor, what they
 * may do, and request metadata for the audit trail. Entry points build it; use cases never
 * read cookies or headers.
 */
export interface RequestContext {
  actor: Actor;
  permissions: ReadonlySet<Permission>;
  requestId: string;
  clientIp: string | null;
  /** How the caller reached us; sessions and bearer tokens are never interchangeable. */
  channel: "console" | "api" | "system";
}
