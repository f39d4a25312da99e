"use client";

import { useEffect, useId, useRef, type MouseEvent } from "react";
import { ArmErrorFacts } from "@/components/arm/arm-error-facts";
import type { FormError } from "./form-state";

export interface SummaryLink {
  message: string;
  /** Id of the field to jump to; without one the problem is listed as text. */
  fieldId?: string;
  label?: string;
}

/**
 * What went wrong with a submission, at the top of the form. It takes focus when it appears
 * so keyboard and screen-reader users land on it, and links each problem to its field.
 */
export function ErrorSummary({
  error,
  links = [],
  title = "The form could not be submitted",
}: {
  error: FormError;
  links?: SummaryLink[];
  title?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => ref.current?.focus(), [error]);
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="alert"
      aria-labelledby={titleId}
      className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-950"
    >
      <h2 id={titleId} className="font-semibold">
        {title}
      </h2>
      {/* With links, each problem is listed once, by its field; the combined message would repeat them. */}
      <p className="mt-1">
        {links.length > 0
          ? `Correct ${links.length === 1 ? "this field" : `these ${links.length} fields`}:`
          : error.message}
      </p>
      {links.length > 0 ? (
        <ul className="mt-2 list-disc space-y-1 pl-5">
          {links.map((link, index) => (
            <li key={index}>
              {link.fieldId ? (
                <a
                  href={`#${link.fieldId}`}
                  className="underline"
                  onClick={(event) => focusField(event, link.fieldId!)}
                >
                  {link.label ? `${link.label}: ` : ""}
                  {link.message}
                </a>
              ) : (
                <>
                  {link.label ? `${link.label}: ` : ""}
                  {link.message}
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      {error.arm ? <ArmErrorFacts arm={error.arm} /> : null}
    </div>
  );
}

/** Moves focus into the field itself (a plain fragment link only scrolls to it). */
function focusField(event: MouseEvent, fieldId: string) {
  const field = document.getElementById(fieldId);
  if (!field) return;
  event.preventDefault();
  field.focus();
  field.scrollIntoView({ block: "center" });
}
