"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import type { FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { Alert } from "@/components/ui/alert";
import { TextAreaField } from "@/components/ui/text-area-field";

/**
 * Edits every variable of an environment at once, one `name = value` a line: the whole set is
 * saved (a line removed removes its variable), and each refused variable is named.
 */
export function VariablesForm({
  environment,
  variables,
  action,
}: {
  environment: string;
  variables: Record<string, string>;
  action: FormAction<number>;
}) {
  const { state, pending, formProps } = useFormAction(action);
  const id = "environment-variables";
  const text = Object.entries(variables)
    .map(([name, value]) => `${name} = ${value}`)
    .join("\n");
  return (
    <form {...formProps} className="space-y-4" aria-label={`Variables of ${environment}`} noValidate>
      {state.status === "error" ? (
        <ErrorSummary
          error={state}
          title="The variables were not saved"
          links={state.fields.map((field) => ({ message: `${field.path}: ${field.message}`, fieldId: id }))}
        />
      ) : null}
      <div role="status">
        {state.status === "done" ? (
          <Alert live={false} tone="success" title={`Saved ${state.result} variable${state.result === 1 ? "" : "s"}.`}>
            Profiles saved or promoted from now on take these values; saved versions keep theirs.
          </Alert>
        ) : null}
      </div>
      <input type="hidden" name="environment" value={environment} />
      <TextAreaField
        id={id}
        name="variables"
        label="Variables"
        hint="One a line: name = value. Names start with a letter (letters, digits, _). Values are names and identifiers — a tenant, client application ids, audiences, a backend URL, a named value's name — never a key or secret."
        rows={Math.max(6, Object.keys(variables).length + 2)}
        defaultValue={text}
        spellCheck={false}
        error={state.status === "error" && state.fields.length > 0 ? "See the problems above." : undefined}
      />
      <SubmitButton tone="primary" busy={pending} busyText="Saving…">
        Save variables
      </SubmitButton>
    </form>
  );
}
