import type { ReactNode } from "react";

/** Room inside a card: `flush` for tables (the card clips them to its corners), `roomy` for a page's only card. */
const PADDING = { flush: "overflow-hidden", compact: "p-4", normal: "p-5", roomy: "p-8 shadow-sm" } as const;

const CARD = "rounded-lg border border-slate-200 bg-white";

/**
 * A titled part of a page: a region (or an article, for one of a list of things) named by its
 * heading, optionally in a card. `subtitle` goes under the heading and `aside` (actions, links,
 * a status) beside it; pass `aside={null}` while a status is absent so the heading stays put.
 * Without a title it is only the card, around a form or table that names itself, and adds no
 * landmark. Every card in the console is one of these, so they all look alike.
 */
export function Section({
  id,
  title,
  subtitle,
  aside,
  as: Tag = "section",
  card = false,
  padding = "normal",
  busy,
  children,
}: {
  children: ReactNode;
  card?: boolean;
  padding?: keyof typeof PADDING;
} & (
  | {
      /** The heading's id is `${id}-title`. */
      id: string;
      title: ReactNode;
      subtitle?: ReactNode;
      aside?: ReactNode;
      as?: "section" | "article";
      /** The region's content is being replaced (aria-busy). */
      busy?: boolean;
    }
  | { id?: never; title?: never; subtitle?: never; aside?: never; as?: never; busy?: never }
)) {
  const box = card ? `${CARD} ${PADDING[padding]}` : "";
  if (title === undefined) return <div className={box}>{children}</div>;

  const heading = (
    <h2 id={`${id}-title`} className="text-lg font-semibold">
      {title}
    </h2>
  );
  return (
    <Tag aria-labelledby={`${id}-title`} aria-busy={busy} className={`space-y-3 ${box}`}>
      {subtitle === undefined && aside === undefined ? (
        heading
      ) : (
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div>
            {heading}
            {subtitle}
          </div>
          {aside}
        </div>
      )}
      {children}
    </Tag>
  );
}
