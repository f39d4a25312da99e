import type { AuditInput } from "../../audit/audit-input";
import type { RequestContext } from "../../auth/request-context";

/** Who the events of a deployment are attributed to: whoever started it (or Portcullis itself). */
export type AuditContext = Pick<RequestContext, "actor" | "requestId" | "clientIp">;

/** An event of the deployment `deploymentId`, attributed as `audit` says. */
export function deploymentEvent(
  audit: AuditContext,
  deploymentId: string,
  event: Pick<AuditInput, "action" | "after" | "outcome" | "armCorrelationId">,
): AuditInput {
  return {
    ...event,
    actor: audit.actor,
    target: { type: "deployment", id: deploymentId },
    requestId: audit.requestId,
    clientIp: audit.clientIp,
  };
}
