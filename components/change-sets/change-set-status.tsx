import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { ChangeSetView, ItemStatus } from "@/lib/change-sets/schemas";

const SET: Record<ChangeSetView["status"], { label: string; tone: BadgeTone }> = {
  ready: { label: "Ready to apply", tone: "info" },
  applying: { label: "Applying", tone: "warning" },
  cancelling: { label: "Cancelling", tone: "warning" },
  finished: { label: "Finished", tone: "success" },
  cancelled: { label: "Cancelled", tone: "neutral" },
  superseded: { label: "Superseded", tone: "neutral" },
};

const ITEM: Record<ItemStatus, { label: string; tone: BadgeTone }> = {
  blocked: { label: "Blocked", tone: "danger" },
  unchanged: { label: "Nothing to change", tone: "neutral" },
  planned: { label: "Planned", tone: "info" },
  queued: { label: "Queued", tone: "neutral" },
  running: { label: "Applying", tone: "warning" },
  succeeded: { label: "Succeeded", tone: "success" },
  failed: { label: "Failed", tone: "danger" },
  conflicted: { label: "Conflicted", tone: "danger" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

export function ChangeSetStatusBadge({ status }: { status: ChangeSetView["status"] }) {
  return <Badge tone={SET[status].tone}>{SET[status].label}</Badge>;
}

export function ItemStatusBadge({ status }: { status: ItemStatus }) {
  return <Badge tone={ITEM[status].tone}>{ITEM[status].label}</Badge>;
}
