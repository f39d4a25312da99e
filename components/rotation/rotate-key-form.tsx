"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { SecretValueField } from "@/components/secrets/secret-value-field";
import { TextField } from "@/components/ui/text-field";

/**
 * Starts a key rotation: the new key (write-only) and the grace period. Success opens the
 * rotation's plan preview (the action redirects); nothing in APIM references the new key yet.
 */
export function RotateKeyForm({
  secretId,
  name,
  defaultGraceMinutes,
  graceHint,
  action,
}: {
  secretId: string;
  name: string;
  defaultGraceMinutes: number;
  graceHint?: string;
  action: FormAction<string>;
}) {
  const { state, pending, formProps } = useFormAction(action);
  const links =
    state.status === "error"
      ? state.fields.map((f) => ({ message: f.message, label: f.path, fieldId: `rotate-${f.path}` }))
      : [];
  return (
    <form {...formProps} className="max-w-md space-y-4" aria-labelledby="rotate-title" noValidate>
      <h3 id="rotate-title" className="font-semibold">
        Rotate the key of {name}
      </h3>
      {state.status === "error" ? (
        <ErrorSummary error={state} links={links} title="The rotation was not started" />
      ) : null}
      <input type="hidden" name="secretId" value={secretId} />
      <SecretValueField id="rotate-value" label="New key" error={fieldError(state, "value")} submission={state} />
      <TextField
        id="rotate-graceMinutes"
        name="graceMinutes"
        label="Grace period (minutes)"
        inputMode="numeric"
        defaultValue={String(defaultGraceMinutes)}
        hint={graceHint}
        error={fieldError(state, "graceMinutes")}
      />
      <SubmitButton busy={pending} busyText="Planning…">
        Plan the rotation
      </SubmitButton>
    </form>
  );
}
