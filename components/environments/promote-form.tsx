"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { SelectField } from "@/components/ui/select-field";

/**
 * Promote: the API's profile, as written with its variables, to the same API on another
 * instance, resolved with that instance's environment; the action opens the plan made there.
 */
export function PromoteForm({
  apiId,
  targets,
  action,
}: {
  apiId: string;
  targets: Array<{ id: string; name: string; environment: string | null }>;
  action: FormAction<null>;
}) {
  const { state, pending, formProps } = useFormAction(action);
  const id = `promote-${apiId}-target`;
  return (
    <form {...formProps} className="space-y-3" aria-label="Promote the access profile" noValidate>
      {state.status === "error" ? (
        <ErrorSummary
          error={state}
          title="The profile was not promoted"
          links={state.fields.map((field) => ({
            message: `${field.path}: ${field.message}`,
            fieldId: field.path === "targetInstanceId" ? id : undefined,
          }))}
        />
      ) : null}
      <input type="hidden" name="apiId" value={apiId} />
      <SelectField
        id={id}
        name="targetInstanceId"
        label="Promote to instance"
        hint="The same API (by ARM name) there gets this profile, with the variables of its environment, and a plan to review."
        error={fieldError(state, "targetInstanceId")}
      >
        {targets.map((target) => (
          <option key={target.id} value={target.id}>
            {target.name} ({target.environment ?? "no environment"})
          </option>
        ))}
      </SelectField>
      <SubmitButton tone="secondary" busy={pending} busyText="Promoting and reading APIM…">
        Promote
      </SubmitButton>
    </form>
  );
}
