"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { Alert } from "@/components/ui/alert";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import type { InstanceView } from "@/lib/instances/schemas";

const FIELDS = [
  { name: "name", label: "Name" },
  { name: "subscriptionId", label: "Subscription id" },
  { name: "resourceGroup", label: "Resource group" },
  { name: "serviceName", label: "APIM service name" },
  { name: "armEndpoint", label: "ARM endpoint" },
] as const;

export interface RegisterInstanceFormProps {
  action: FormAction<InstanceView>;
  /** Field hints, from the schema's descriptions. */
  hints: Record<(typeof FIELDS)[number]["name"] | "tier", string | undefined>;
  tiers: readonly string[];
}

/** Registers an APIM service by its ARM coordinates. What the user typed stays in the form when it is refused. */
export function RegisterInstanceForm({ action, hints, tiers }: RegisterInstanceFormProps) {
  const { state, pending, formProps } = useFormAction(action, { resetOnDone: true });
  const summaryLinks =
    state.status === "error"
      ? state.fields.map((f) => ({ message: f.message, fieldId: `register-${f.path}`, label: labelOf(f.path) }))
      : [];
  return (
    <form {...formProps} className="space-y-4" aria-labelledby="register-title" noValidate>
      <h2 id="register-title" className="text-lg font-semibold">
        Register an instance
      </h2>
      {state.status === "error" ? (
        <ErrorSummary error={state} links={summaryLinks} title="The instance was not registered" />
      ) : null}
      {state.status === "done" ? (
        <Alert tone="success" title={`Registered ${state.result.name}. Sync it to discover its APIs.`} />
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2">
        {FIELDS.map((field) => (
          <TextField
            key={field.name}
            id={`register-${field.name}`}
            name={field.name}
            label={field.label}
            hint={hints[field.name]}
            error={fieldError(state, field.name)}
            defaultValue={field.name === "armEndpoint" ? "https://management.azure.com" : undefined}
            autoComplete="off"
            spellCheck={false}
          />
        ))}
        <SelectField
          id="register-tier"
          name="tier"
          label="Tier"
          defaultValue="Developer"
          hint={hints.tier}
          error={fieldError(state, "tier")}
        >
          {tiers.map((tier) => (
            <option key={tier}>{tier}</option>
          ))}
        </SelectField>
      </div>
      <SubmitButton busy={pending} busyText="Registering…">
        Register instance
      </SubmitButton>
    </form>
  );
}

function labelOf(path: string): string | undefined {
  return path === "tier" ? "Tier" : FIELDS.find((f) => f.name === path)?.label;
}
