"use client";

import { useEffect, useRef } from "react";
import { TextField } from "@/components/ui/text-field";

/**
 * A write-only secret value: a password input the browser does not offer to fill or save,
 * emptied after every submission, whatever its outcome, so the value is on screen only while
 * it is typed. (The server never sends it back either.)
 */
export function SecretValueField({
  id,
  label,
  error,
  submission,
}: {
  id: string;
  label: string;
  error?: string;
  submission: unknown;
}) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (ref.current) ref.current.value = "";
  }, [submission]);
  return (
    <TextField
      ref={ref}
      id={id}
      name="value"
      type="password"
      label={label}
      autoComplete="off"
      spellCheck={false}
      hint="Write-only: it goes straight to APIM and is never stored or shown again. The field is emptied after each attempt; if the secret is refused, type it again."
      error={error}
    />
  );
}
