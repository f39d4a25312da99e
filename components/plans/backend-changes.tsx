import { FieldChangeTable } from "@/components/diff/field-change-table";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { PlanDiff } from "@/lib/deployments/schemas";

const TONE: Record<PlanDiff["backends"][number]["action"], BadgeTone> = {
  create: "info",
  update: "info",
  delete: "danger",
  unchanged: "neutral",
  kept: "neutral",
};

/** What happens to each backend entity the profile uses or used: the fields the profile decides, before and after. */
export function BackendChanges({ backends }: { backends: PlanDiff["backends"] }) {
  return (
    <ul className="space-y-3">
      {backends.map((backend) => (
        <li key={backend.backendId} className="text-sm">
          <p className="flex flex-wrap items-center gap-2">
            <code className="font-mono text-xs font-semibold">{backend.backendId}</code>{" "}
            <Badge tone={TONE[backend.action]}>{backend.action}</Badge>
          </p>
          {backend.note ? <p className="text-xs text-slate-600">{backend.note}</p> : null}
          {backend.changes.length > 0 ? (
            <FieldChangeTable changes={backend.changes} caption={`Changes to backend ${backend.backendId}`} />
          ) : null}
        </li>
      ))}
    </ul>
  );
}
