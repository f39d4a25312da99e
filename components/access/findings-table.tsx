import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import type { EffectiveFindingView } from "@/lib/access/schemas";
import { scopeName } from "./scope-name";

/** Effective-access findings: severity, the sentence and code, where it stands, and (for a plan) the paths it was found on. */
export function FindingsTable({
  caption,
  findings,
}: {
  caption: string;
  findings: Array<EffectiveFindingView & { where?: string[] }>;
}) {
  const withPaths = findings.some((finding) => finding.where !== undefined);
  return (
    <DataTable caption={caption} columns={["Severity", "Finding", "Where", ...(withPaths ? ["On"] : [])]}>
      {findings.map((finding) => (
        <tr
          key={`${finding.code}:${finding.scope}:${finding.scopeId}:${finding.line}:${finding.column}`}
          className="border-t border-slate-200 align-top"
        >
          <td className="px-3 py-2">
            <Badge tone={finding.severity === "blocking" ? "danger" : "warning"}>{finding.severity}</Badge>
          </td>
          <th scope="row" className="px-3 py-2 font-normal">
            {finding.message}
            <code className="block font-mono text-xs text-slate-600">{finding.code}</code>
          </th>
          <td className="px-3 py-2">
            {scopeName(finding.scope, finding.scopeId)}, line {finding.line}
            {finding.fragment ? ` of fragment ${finding.fragment}` : ""}
          </td>
          {withPaths ? (
            <td className="px-3 py-2">
              <ul className="space-y-0.5">
                {(finding.where ?? []).map((where) => (
                  <li key={where}>{where}</li>
                ))}
              </ul>
            </td>
          ) : null}
        </tr>
      ))}
    </DataTable>
  );
}
