import type { ReactNode } from "react";
import { Section } from "./section";

/** A table of records in a scrollable card: a caption for screen readers, column headers, then the rows given. */
export function DataTable({
  caption,
  columns,
  children,
}: {
  caption: string;
  columns: ReadonlyArray<string>;
  children: ReactNode;
}) {
  return (
    <Section card padding="flush">
      <div className="overflow-x-auto">
        <table className="min-w-full text-left text-sm">
          <caption className="sr-only">{caption}</caption>
          <thead className="bg-slate-50 text-xs uppercase text-slate-600">
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col" className="px-3 py-2">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{children}</tbody>
        </table>
      </div>
    </Section>
  );
}
