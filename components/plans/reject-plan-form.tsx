"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { Alert } from "@/components/ui/alert";
import { TextField } from "@/components/ui/text-field";

/**
 * Rejects a plan or a change set (`what`), identified by `fields` (its id and the hash reviewed);
 * the reason is required and is shown to whoever tries to apply it.
 */
export function RejectPlanForm({
  fields,
  what = "plan",
  action,
}: {
  fields: Record<string, string>;
  what?: string;
  action: FormAction<string>;
}) {
  const { state, pending, formProps } = useFormAction(action, { resetOnDone: true });
  return (
    <form {...formProps} className="space-y-3" aria-label={`Reject this ${what}`} noValidate>
      {state.status === "error" ? (
        <ErrorSummary
          error={state}
          title={`The ${what} was not rejected`}
          links={state.fields.map((field) => ({ message: field.message, fieldId: "reject-reason", label: "Reason" }))}
        />
      ) : null}
      <div role="status">
        {state.status === "done" ? <Alert live={false} tone="success" title={state.result} /> : null}
      </div>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <TextField
        id="reject-reason"
        name="reason"
        label="Reason for rejecting"
        hint={`Required. Whoever tries to apply the ${what} reads it.`}
        error={fieldError(state, "reason")}
        autoComplete="off"
      />
      <SubmitButton tone="danger" busy={pending} busyText="Rejecting…">
        Reject
      </SubmitButton>
    </form>
  );
}
