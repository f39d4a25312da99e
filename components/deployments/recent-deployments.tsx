import Link from "next/link";
import { DateTime } from "@/components/ui/date-time";
import type { Overview } from "@/lib/overview/get-overview";
import { DeploymentStatusBadge } from "./deployment-status-badge";

/** The latest deployments across all APIs, newest first. */
export function RecentDeployments({ deployments }: { deployments: Overview["recentDeployments"] }) {
  return (
    <ul className="divide-y divide-slate-100 text-sm">
      {deployments.map((deployment) => (
        <li key={deployment.id} className="flex flex-wrap items-center gap-3 py-2">
          <DeploymentStatusBadge status={deployment.status} />
          <Link href={`/deployments/${deployment.id}`} className="font-semibold text-blue-700 underline">
            {deployment.apiName}
          </Link>
          <span className="text-slate-600">
            started <DateTime value={deployment.startedAt} />
          </span>
        </li>
      ))}
    </ul>
  );
}
