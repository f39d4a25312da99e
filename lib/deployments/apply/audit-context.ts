import type { RequestContext } from "../../auth/request-context";

/** Who the events of a deployment are attributed to: whoever started it (or Portcullis itself). */
export type AuditContext = Pick<RequestContext, "actor" | "requestId" | "clientIp">;
