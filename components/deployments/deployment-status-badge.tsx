import { Badge, type BadgeTone } from "@/components/ui/badge";

const TONE: Record<string, BadgeTone> = {
  queued: "info",
  running: "info",
  succeeded: "success",
  failed: "danger",
  conflicted: "warning",
};

/** A deployment's (or a step's) status word. */
export function DeploymentStatusBadge({ status }: { status: string }) {
  return <Badge tone={TONE[status] ?? "neutral"}>{status}</Badge>;
}
