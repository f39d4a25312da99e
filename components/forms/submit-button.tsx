"use client";

import type { ReactNode } from "react";
import { buttonStyles } from "@/components/ui/button-styles";

/** A submit button that says what is happening while its form's action runs, and cannot be pressed twice. */
export function SubmitButton({
  children,
  busy,
  busyText,
  tone = "primary",
  name,
  value,
}: {
  children: ReactNode;
  busy: boolean;
  busyText: string;
  tone?: keyof typeof buttonStyles;
  name?: string;
  value?: string;
}) {
  return (
    <button type="submit" className={buttonStyles[tone]} disabled={busy} name={name} value={value}>
      {busy ? busyText : children}
    </button>
  );
}
