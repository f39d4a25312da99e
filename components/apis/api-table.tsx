import Link from "next/link";
import { DeploymentStatusBadge } from "@/components/deployments/deployment-status-badge";
import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import type { ApiView } from "@/lib/apis/schemas";

/** APIs with what an admin scans for: profile version (or none), last deployment, gone from APIM. */
export function ApiTable({ apis }: { apis: ApiView[] }) {
  return (
    <DataTable caption="APIs by name" columns={["API", "Instance", "Path", "Access profile", "Last deployment"]}>
      {apis.map((api) => (
        <tr key={api.id} className="border-t border-slate-200 align-top">
          <th scope="row" className="px-3 py-2 font-normal">
            <Link href={`/apis/${api.id}`} className="font-semibold text-blue-700 underline">
              {api.displayName}
            </Link>
            <span className="block font-mono text-xs text-slate-500">{api.apimName}</span>
            {api.gone ? (
              <span className="mt-1 block">
                <Badge tone="warning">gone from APIM</Badge>
              </span>
            ) : null}
          </th>
          <td className="px-3 py-2">{api.instanceName}</td>
          <td className="px-3 py-2 font-mono text-xs">/{api.path}</td>
          <td className="px-3 py-2">
            {api.profileVersion === null ? (
              <Badge tone="warning">no profile</Badge>
            ) : (
              <Badge>version {api.profileVersion}</Badge>
            )}
          </td>
          <td className="px-3 py-2">
            {api.lastDeployment ? (
              <Link
                href={`/deployments/${api.lastDeployment.id}`}
                className="inline-flex flex-col gap-1 hover:underline"
              >
                <DeploymentStatusBadge status={api.lastDeployment.status} />
                <span className="text-xs text-slate-600">
                  <DateTime value={api.lastDeployment.startedAt} />
                </span>
              </Link>
            ) : (
              <span className="text-slate-500">never deployed</span>
            )}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
