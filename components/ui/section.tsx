import type { ReactNode } from "react";

/** A titled part of a page: a region named by its heading, optionally in a card. */
export function Section({
  id,
  title,
  card = false,
  children,
}: {
  id: string;
  title: ReactNode;
  card?: boolean;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-title`}
      className={card ? "space-y-3 rounded-lg border border-slate-200 bg-white p-5" : "space-y-3"}
    >
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}
