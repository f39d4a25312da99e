import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import type { StepView } from "@/lib/deployments/schemas";
import { DeploymentStatusBadge } from "./deployment-status-badge";

/** Every ARM write of a deployment with what Azure support and a reviewer ask for. */
export function DeploymentSteps({ steps }: { steps: StepView[] }) {
  return (
    <DataTable
      caption="Deployment steps in order"
      columns={["#", "Operation", "Status", "HTTP", "If-Match sent", "ETag after", "ARM ids"]}
    >
      {steps.map((step) => (
        <tr key={step.seq} className="border-t border-slate-200 align-top">
          <td className="px-3 py-2 font-mono text-xs">{step.seq}</td>
          <th scope="row" className="px-3 py-2 font-normal">
            <span className="font-mono text-xs">{step.kind}</span>{" "}
            <span className="font-mono text-xs font-semibold">{step.target}</span>
            {step.note ? <span className="block text-xs text-slate-600">{step.note}</span> : null}
            {step.error ? (
              <span className="mt-1 block text-xs text-red-800">
                {step.error.message}
                {step.error.armCode
                  ? ` (${step.error.armCode}${step.error.armMessage ? `: ${step.error.armMessage}` : ""})`
                  : ""}
                {step.error.targets.map((target, index) => (
                  <span key={index} className="block">
                    {target.target ? `${target.target}: ` : ""}
                    {target.message}
                  </span>
                ))}
                {step.error.mayHaveLanded ? (
                  <span className="block">The write may have reached APIM although no answer came back.</span>
                ) : null}
              </span>
            ) : null}
            {step.finishedAt ? (
              <span className="block text-xs text-slate-500">
                finished <DateTime value={step.finishedAt} />
              </span>
            ) : null}
          </th>
          <td className="px-3 py-2">
            <DeploymentStatusBadge status={step.status} />
          </td>
          <td className="px-3 py-2 font-mono text-xs">{step.httpStatus ?? "—"}</td>
          <td className="break-all px-3 py-2 font-mono text-xs">{step.ifMatch ?? "none (create)"}</td>
          <td className="break-all px-3 py-2 font-mono text-xs">{step.etagAfter ?? "—"}</td>
          <td className="px-3 py-2 font-mono text-xs">
            {step.armRequestIds.length > 0 ? (
              <span className="block break-all">request {step.armRequestIds.join(", ")}</span>
            ) : null}
            {step.armCorrelationId ? (
              <span className="block break-all">correlation {step.armCorrelationId}</span>
            ) : null}
            {step.armRequestIds.length === 0 && !step.armCorrelationId ? "—" : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
