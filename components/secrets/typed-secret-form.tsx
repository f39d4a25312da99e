"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { Alert } from "@/components/ui/alert";
import { TextField } from "@/components/ui/text-field";
import { SecretValueField } from "./secret-value-field";

/** Creates a secret named value from a value the admin types. */
export function TypedSecretForm({
  instanceId,
  nameHint,
  action,
}: {
  instanceId: string;
  nameHint?: string;
  action: FormAction<string>;
}) {
  const { state, pending, formProps } = useFormAction(action, { resetOnDone: true });
  const links =
    state.status === "error"
      ? state.fields.map((f) => ({ message: f.message, label: f.path, fieldId: `typed-${f.path}` }))
      : [];
  return (
    <form {...formProps} className="space-y-4" aria-labelledby="typed-title" noValidate>
      <h3 id="typed-title" className="font-semibold">
        A value you type
      </h3>
      <div role="status">
        {state.status === "done" ? <Alert live={false} tone="success" title={state.result} /> : null}
      </div>
      {state.status === "error" ? (
        <ErrorSummary error={state} links={links} title="The secret was not created" />
      ) : null}
      <input type="hidden" name="instanceId" value={instanceId} />
      <TextField
        id="typed-name"
        name="name"
        label="Name"
        hint={nameHint}
        error={fieldError(state, "name")}
        autoComplete="off"
        spellCheck={false}
      />
      <SecretValueField id="typed-value" label="Value" error={fieldError(state, "value")} submission={state} />
      <SubmitButton busy={pending} busyText="Creating…">
        Create secret
      </SubmitButton>
    </form>
  );
}
