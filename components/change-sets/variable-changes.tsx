import Link from "next/link";
import type { ChangeSetVariables } from "@/lib/change-sets/schemas";
import { DataTable } from "@/components/ui/data-table";

/**
 * The environment variables a change set changes, each before → after: they are written when its
 * first apply starts (`written`), under the set's approval, not before.
 */
export function VariableChanges({ variables, written }: { variables: ChangeSetVariables; written: boolean }) {
  const { environment, changes } = variables;
  return (
    <div className="space-y-2">
      <h2 className="text-lg font-semibold">Variables of environment {environment}</h2>
      <p className="text-sm text-slate-600">
        {written
          ? "Written to the environment when this change set's apply started. "
          : "Written to the environment when this change set is applied (refused if one changed since it was made). "}
        <Link href={`/environments/${environment}`} className="text-blue-700 underline">
          The environment&apos;s variables
        </Link>
      </p>
      <DataTable
        caption={`Variables of environment ${environment} the change set changes`}
        columns={["Variable", "Before", "After"]}
      >
        {changes.map((change) => (
          <tr key={change.name} className="border-t border-slate-100 align-top" data-testid="change-set-variable">
            <th scope="row" className="px-3 py-2 font-mono text-xs font-medium">
              {`\${${change.name}}`}
            </th>
            <td className="break-all px-3 py-2 font-mono text-xs">
              {change.before ?? <span className="text-slate-500">(not set)</span>}
            </td>
            <td className="break-all px-3 py-2 font-mono text-xs">
              {change.after ?? <span className="text-slate-500">(removed)</span>}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
