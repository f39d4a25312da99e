import type { FieldChange } from "@/lib/deployments/diff/field-changes";

/** Field-by-field changes of JSON (profile versions, backend fields): path, before, after. */
export function FieldChangeTable({
  changes,
  caption,
  beforeLabel = "Before",
  afterLabel = "After",
}: {
  changes: FieldChange[];
  caption: string;
  beforeLabel?: string;
  afterLabel?: string;
}) {
  return (
    <table className="mt-2 w-full text-left text-xs">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-slate-600">
        <tr>
          <th scope="col" className="py-1 pr-3 font-semibold">
            Field
          </th>
          <th scope="col" className="py-1 pr-3 font-semibold">
            {beforeLabel}
          </th>
          <th scope="col" className="py-1 font-semibold">
            {afterLabel}
          </th>
        </tr>
      </thead>
      <tbody>
        {changes.map((change) => (
          <tr key={change.path} className="border-t border-slate-100 align-top">
            <th scope="row" className="py-1 pr-3 font-mono font-normal">
              {change.path}
            </th>
            <td className="break-all py-1 pr-3 font-mono text-red-800">
              <Value value={change.before} />
            </td>
            <td className="break-all py-1 font-mono text-green-800">
              <Value value={change.after} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="text-slate-500">(not set)</span>;
  return <>{typeof value === "string" ? value : JSON.stringify(value)}</>;
}
