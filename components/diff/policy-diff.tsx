import type { DiffHunk } from "@/lib/deployments/diff/line-diff";

const MARK = { context: " ", removed: "−", added: "+" } as const;
const SPOKEN = { context: "unchanged", removed: "removed", added: "added" } as const;
const ROW = { context: "", removed: "bg-red-50 text-red-950", added: "bg-green-50 text-green-950" } as const;

/**
 * A policy's changed lines with a little context, as a table so screen readers can say for
 * each line whether it was removed, added or left, and where it is in either version.
 */
export function PolicyDiff({ hunks, caption }: { hunks: DiffHunk[]; caption: string }) {
  return (
    // Hand-written policies have long lines: the scrolling region must be reachable by keyboard.
    <div className="overflow-x-auto rounded border border-slate-200" tabIndex={0} role="region" aria-label={caption}>
      <table className="w-full font-mono text-xs">
        <caption className="sr-only">{caption}</caption>
        <thead className="sr-only">
          <tr>
            <th scope="col">Line before</th>
            <th scope="col">Line after</th>
            <th scope="col">Change</th>
            <th scope="col">Text</th>
          </tr>
        </thead>
        {hunks.map((hunk) => (
          <tbody key={`${hunk.beforeStart}:${hunk.afterStart}`}>
            <tr className="bg-slate-100 text-slate-600">
              <td colSpan={4} className="px-2 py-1">
                Lines {hunk.beforeStart} → {hunk.afterStart}
              </td>
            </tr>
            {numbered(hunk).map(({ line, before, after }, index) => (
              <tr key={index} className={ROW[line.op]}>
                <td className="w-10 select-none px-2 text-right text-slate-600">{before ?? ""}</td>
                <td className="w-10 select-none px-2 text-right text-slate-600">{after ?? ""}</td>
                <td className="w-6 select-none text-center">
                  <span aria-hidden="true">{MARK[line.op]}</span>
                  <span className="sr-only">{SPOKEN[line.op]}</span>
                </td>
                <td className="whitespace-pre px-2">{line.text}</td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

/** Each line of a hunk with its number in the text before and after (none on the side it is missing from). */
function numbered(hunk: DiffHunk) {
  let before = hunk.beforeStart;
  let after = hunk.afterStart;
  return hunk.lines.map((line) => ({
    line,
    before: line.op === "added" ? null : before++,
    after: line.op === "removed" ? null : after++,
  }));
}
