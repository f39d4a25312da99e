import Link from "next/link";
import { DateTime } from "@/components/ui/date-time";
import type { ApiView } from "@/lib/apis/schemas";
import { DeploymentStatusBadge } from "./deployment-status-badge";

type Deployed = ApiView & { lastDeployment: NonNullable<ApiView["lastDeployment"]> };

/** The latest deployment of each API, newest first. */
export function RecentDeployments({ apis }: { apis: Deployed[] }) {
  return (
    <ul className="divide-y divide-slate-100 text-sm">
      {apis.map((api) => (
        <li key={api.lastDeployment.id} className="flex flex-wrap items-center gap-3 py-2">
          <DeploymentStatusBadge status={api.lastDeployment.status} />
          <Link href={`/deployments/${api.lastDeployment.id}`} className="font-semibold text-blue-700 underline">
            {api.displayName}
          </Link>
          <span className="text-slate-600">
            started <DateTime value={api.lastDeployment.startedAt} />
          </span>
        </li>
      ))}
    </ul>
  );
}
