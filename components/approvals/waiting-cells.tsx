import type { ReactNode } from "react";
import Link from "next/link";

/**
 * The cells every row of the "Waiting for approval" tables has, whatever waits (a plan, a change
 * set, a settings change), so the three tables read and sound alike.
 */

/** The row's header: a link to where it is reviewed, named "<name> — review the <what>" for screen readers. */
export function ReviewLinkCell({
  href,
  name,
  what,
  children,
}: {
  href: string;
  name: string;
  what: string;
  /** Said under the link (e.g. the sets a change set replaces). */
  children?: ReactNode;
}) {
  return (
    <th scope="row" className="px-3 py-2 font-medium">
      <Link href={href} className="text-blue-700 underline">
        {name}
        <span className="sr-only"> — review the {what}</span>
      </Link>
      {children}
    </th>
  );
}

/**
 * Who made it; the viewer's own is marked, as their approval never counts, and so is one whose
 * inputs they wrote (`contributed`, each named): theirs would be refused as well.
 */
export function AuthorCell({ name, own, contributed = [] }: { name: string; own: boolean; contributed?: string[] }) {
  return (
    <td className="px-3 py-2">
      {name}
      {own ? " (you: another admin must approve)" : ""}
      {!own && contributed.length > 0 ? (
        <p className="text-slate-700" data-testid="you-contributed">
          You wrote {contributed.join("; ")}: an admin who wrote none of its inputs must approve.
        </p>
      ) : null}
    </td>
  );
}

/** How many approvals that count it has, of those it needs ("1 of 2"). */
export function ApprovalCountCell({ approval }: { approval: { approvedBy: number; required: number } }) {
  return (
    <td className="px-3 py-2">
      {approval.approvedBy} of {approval.required}
    </td>
  );
}
