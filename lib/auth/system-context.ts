import { randomUUID } from "node:crypto";
import { SYSTEM_ACTOR } from "../audit/audit-input";
import { PERMISSIONS } from "./permissions";
import type { RequestContext } from "./request-context";

/**
 * Portcullis acting on its own behalf (start-up tasks such as registering the sandbox's
 * simulated APIM instance). Never built from a request; audited like any other actor.
 */
export function systemContext(): RequestContext {
  return {
    actor: SYSTEM_ACTOR,
    permissions: new Set(PERMISSIONS),
    requestId: randomUUID(),
    clientIp: null,
    channel: "system",
  };
}
