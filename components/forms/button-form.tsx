"use client";

import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import type { buttonStyles } from "@/components/ui/button-styles";
import { ErrorSummary } from "./error-summary";
import type { FormAction } from "./form-state";
import { SubmitButton } from "./submit-button";
import { useFormAction } from "./use-form-action";

/**
 * One button that runs a server action on fixed inputs (sync this instance, refresh that
 * secret, plan this API), then says what happened: the action's own sentence in a live region,
 * or what went wrong. Actions that open a new page on success simply redirect.
 */
export function ButtonForm({
  action,
  fields,
  children,
  busyText,
  tone = "secondary",
  errorTitle,
}: {
  action: FormAction<string>;
  fields: Record<string, string>;
  children: ReactNode;
  busyText: string;
  tone?: keyof typeof buttonStyles;
  errorTitle: string;
}) {
  const { state, pending, formProps } = useFormAction(action);
  return (
    <div className="space-y-3">
      <form {...formProps}>
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <SubmitButton tone={tone} busy={pending} busyText={busyText}>
          {children}
        </SubmitButton>
      </form>
      <div role="status">
        {state.status === "done" ? <Alert live={false} tone="success" title={state.result} /> : null}
      </div>
      {state.status === "error" ? <ErrorSummary error={state} title={errorTitle} /> : null}
    </div>
  );
}
