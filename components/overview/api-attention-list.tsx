import Link from "next/link";
import type { ReactNode } from "react";

/** APIs that need someone to look at them, each with why; the first few, and how many more. */
export function ApiAttentionList({
  items,
  more,
  moreHref,
}: {
  items: Array<{ id: string; name: string; why?: ReactNode }>;
  more: number;
  moreHref: string;
}) {
  return (
    <ul className="space-y-1 text-sm">
      {items.map((item) => (
        <li key={item.id}>
          <Link href={`/apis/${item.id}`} className="font-semibold text-blue-700 underline">
            {item.name}
          </Link>{" "}
          <span className="text-slate-600">{item.why}</span>
        </li>
      ))}
      {more > 0 ? (
        <li>
          <Link href={moreHref} className="text-blue-700 underline">
            and {more} more
          </Link>
        </li>
      ) : null}
    </ul>
  );
}
