import type { ReactNode } from "react";

const TONES = {
  info: "border-slate-200 bg-slate-50 text-slate-900",
  success: "border-green-300 bg-green-50 text-green-950",
  warning: "border-amber-300 bg-amber-50 text-amber-950",
  error: "border-red-300 bg-red-50 text-red-950",
} as const;

/**
 * A message box; errors are announced assertively, everything else politely. Inside a live
 * region that already exists (`live={false}`), it leaves the announcing to that region: a
 * region must be on the page before its content changes for screen readers to notice.
 */
export function Alert({
  tone = "info",
  title,
  children,
  live = true,
}: {
  tone?: keyof typeof TONES;
  title?: string;
  children?: ReactNode;
  live?: boolean;
}) {
  return (
    <div
      role={live ? (tone === "error" ? "alert" : "status") : undefined}
      className={`rounded-md border px-4 py-3 text-sm ${TONES[tone]}`}
    >
      {title ? <p className="font-semibold">{title}</p> : null}
      {children ? <div className={title ? "mt-1" : ""}>{children}</div> : null}
    </div>
  );
}
