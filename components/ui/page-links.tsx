import Link from "next/link";
import { Alert } from "./alert";
import { buttonStyles } from "./button-styles";

/**
 * A cursor-paged list's links: back to the first page when not on it, on to the next when there is
 * one. `query` holds the list's filters, kept on both.
 */
export function PageLinks({
  path,
  query = new URLSearchParams(),
  cursor,
  nextCursor,
}: {
  path: string;
  query?: URLSearchParams;
  cursor: string | undefined;
  nextCursor: string | null;
}) {
  const first = query.size > 0 ? `${path}?${query}` : path;
  return (
    <div className="flex gap-3">
      {cursor ? (
        <Link className={buttonStyles.secondary} href={first}>
          First page
        </Link>
      ) : null}
      {nextCursor ? (
        <Link
          className={buttonStyles.secondary}
          href={`${path}?${new URLSearchParams({ ...Object.fromEntries(query), cursor: nextCursor })}`}
        >
          Next page
        </Link>
      ) : null}
    </div>
  );
}

/** Shown for a list page whose link carried a cursor the server never issued (edited, or from an older version). */
export function StalePageAlert() {
  return (
    <Alert tone="error" title="That page link is no longer valid.">
      Start again from the first page.
    </Alert>
  );
}
