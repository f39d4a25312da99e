"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { Alert } from "@/components/ui/alert";
import { SecretValueField } from "./secret-value-field";

/** Replaces a typed secret's value, behind a disclosure so the table stays readable. */
export function RotateSecretForm({
  secretId,
  name,
  action,
}: {
  secretId: string;
  name: string;
  action: FormAction<string>;
}) {
  const { state, pending, formProps } = useFormAction(action);
  const id = `rotate-${secretId}`;
  return (
    <details className="text-sm">
      <summary className="cursor-pointer font-semibold text-blue-700">
        Rotate<span className="sr-only"> {name}</span>
      </summary>
      <form {...formProps} className="mt-2 w-72 space-y-3" noValidate aria-label={`Rotate ${name}`}>
        <div role="status">
          {state.status === "done" ? <Alert live={false} tone="success" title={state.result} /> : null}
        </div>
        {state.status === "error" ? <ErrorSummary error={state} title={`${name} was not rotated`} /> : null}
        <input type="hidden" name="secretId" value={secretId} />
        <SecretValueField
          id={`${id}-value`}
          label={`New value of ${name}`}
          error={fieldError(state, "value")}
          submission={state}
        />
        <SubmitButton busy={pending} busyText="Rotating…">
          Rotate {name}
        </SubmitButton>
      </form>
    </details>
  );
}
