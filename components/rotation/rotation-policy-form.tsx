"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { Alert } from "@/components/ui/alert";
import { TextField } from "@/components/ui/text-field";

/** The secret's rotation policy: rotate every N days; empty for none. */
export function RotationPolicyForm({
  secretId,
  intervalDays,
  action,
}: {
  secretId: string;
  intervalDays: number | null;
  action: FormAction<string>;
}) {
  const { state, pending, formProps } = useFormAction(action);
  const links =
    state.status === "error"
      ? state.fields.map((f) => ({ message: f.message, label: f.path, fieldId: `policy-${f.path}` }))
      : [];
  return (
    <form {...formProps} className="max-w-md space-y-4" aria-labelledby="policy-title" noValidate>
      <h3 id="policy-title" className="font-semibold">
        Rotation policy
      </h3>
      <div role="status">
        {state.status === "done" ? <Alert live={false} tone="success" title={state.result} /> : null}
      </div>
      {state.status === "error" ? <ErrorSummary error={state} links={links} title="The policy was not saved" /> : null}
      <input type="hidden" name="secretId" value={secretId} />
      <TextField
        id="policy-intervalDays"
        name="intervalDays"
        label="Rotate every (days)"
        inputMode="numeric"
        defaultValue={intervalDays === null ? "" : String(intervalDays)}
        hint="Leave empty for no policy. Once this many days have passed since the key was set, the secret shows as due and a “secret due for rotation” notification is sent."
        error={fieldError(state, "intervalDays")}
      />
      <SubmitButton tone="secondary" busy={pending} busyText="Saving…">
        Save policy
      </SubmitButton>
    </form>
  );
}
