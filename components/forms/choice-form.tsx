"use client";

import { ErrorSummary } from "./error-summary";
import { fieldError, type FormAction } from "./form-state";
import { SubmitButton } from "./submit-button";
import { useFormAction } from "./use-form-action";
import { SelectField } from "@/components/ui/select-field";

/**
 * One choice from a list, then one button that acts on it (promote to this instance, follow this
 * template): the action's refusal is shown above, its field problem beside the select.
 */
export function ChoiceForm({
  name,
  hidden,
  select,
  submit,
  errorTitle,
  action,
}: {
  /** The form's accessible name. */
  name: string;
  /** Fixed fields sent along (e.g. the API's id). */
  hidden: Record<string, string>;
  select: { id: string; name: string; label: string; hint: string; options: Array<{ value: string; label: string }> };
  submit: { label: string; busyText: string };
  errorTitle: string;
  action: FormAction<null>;
}) {
  const { state, pending, formProps } = useFormAction(action);
  return (
    <form {...formProps} className="space-y-3" aria-label={name} noValidate>
      {state.status === "error" ? (
        <ErrorSummary
          error={state}
          title={errorTitle}
          links={state.fields.map((field) => ({
            message: `${field.path}: ${field.message}`,
            fieldId: field.path === select.name ? select.id : undefined,
          }))}
        />
      ) : null}
      {Object.entries(hidden).map(([field, value]) => (
        <input key={field} type="hidden" name={field} value={value} />
      ))}
      <SelectField
        id={select.id}
        name={select.name}
        label={select.label}
        hint={select.hint}
        error={fieldError(state, select.name)}
      >
        {select.options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </SelectField>
      <SubmitButton tone="secondary" busy={pending} busyText={submit.busyText}>
        {submit.label}
      </SubmitButton>
    </form>
  );
}
