"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { Alert } from "@/components/ui/alert";
import { fieldStyles } from "@/components/ui/field-styles";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import type { InstanceView } from "@/lib/instances/schemas";
import type { SettingsUpdate } from "@/lib/instances/update-instance-settings";

const ENVIRONMENTS = ["development", "test", "production"];

/**
 * An instance's environment and four-eyes settings: whether applies need approval (by default
 * only on production), how many, whether automation's approval counts, and how long one lasts.
 */
export function ApprovalSettingsForm({
  instance,
  action,
}: {
  instance: InstanceView;
  action: FormAction<SettingsUpdate>;
}) {
  const { state, pending, formProps } = useFormAction(action);
  const id = (name: string) => `settings-${instance.id}-${name}`;
  const environments =
    instance.environment && !ENVIRONMENTS.includes(instance.environment)
      ? [...ENVIRONMENTS, instance.environment]
      : ENVIRONMENTS;
  const defaultRequired = instance.environment === "production" ? 1 : 0;
  const labels = [
    { path: "environment", label: "Environment" },
    { path: "approvalsRequired", label: "Applies need approval" },
    { path: "approvalLifetimeHours", label: "Approval lifetime" },
  ];
  return (
    <form {...formProps} className="space-y-4" aria-label={`Approval settings of ${instance.name}`} noValidate>
      {state.status === "error" ? (
        <ErrorSummary
          error={state}
          title="The settings were not saved"
          links={state.fields.map((field) => ({
            message: field.message,
            fieldId: id(field.path),
            label: labels.find((entry) => entry.path === field.path)?.label,
          }))}
        />
      ) : null}
      <div role="status">
        {state.status === "done" ? <Alert live={false} tone="success" title={doneSentence(state.result)} /> : null}
      </div>
      <input type="hidden" name="instanceId" value={instance.id} />
      <div className="grid gap-4 sm:grid-cols-3">
        <SelectField
          id={id("environment")}
          name="environment"
          label="Environment"
          defaultValue={instance.environment ?? "none"}
          error={fieldError(state, "environment")}
        >
          <option value="none">Not set</option>
          {environments.map((environment) => (
            <option key={environment} value={environment}>
              {environment}
            </option>
          ))}
        </SelectField>
        <SelectField
          id={id("approvalsRequired")}
          name="approvalsRequired"
          label="Applies need approval"
          hint="By admins other than the plan's author. The default is one on production, none elsewhere."
          defaultValue={instance.approvals.setting === null ? "default" : String(instance.approvals.setting)}
          error={fieldError(state, "approvalsRequired")}
        >
          <option value="default">Environment default ({defaultRequired === 0 ? "no approval" : "1 approval"})</option>
          <option value="0">No approval</option>
          <option value="1">1 approval</option>
          <option value="2">2 approvals</option>
        </SelectField>
        <TextField
          id={id("approvalLifetimeHours")}
          name="approvalLifetimeHours"
          label="Approval lifetime (hours)"
          type="number"
          min={1}
          max={720}
          defaultValue={instance.approvals.lifetimeHours}
          error={fieldError(state, "approvalLifetimeHours")}
        />
      </div>
      <div className="flex items-start gap-2">
        <input
          id={id("automationApprovers")}
          name="automationApprovers"
          type="checkbox"
          defaultChecked={instance.approvals.automationApprovers}
          aria-describedby={id("automationApprovers-hint")}
          className="mt-1"
        />
        <div>
          <label htmlFor={id("automationApprovers")} className={fieldStyles.label}>
            Automation may approve
          </label>
          <p id={id("automationApprovers-hint")} className={fieldStyles.hint}>
            Whether an approval by a client-credentials caller (a pipeline) counts. Off by default.
          </p>
        </div>
      </div>
      <SubmitButton tone="secondary" busy={pending} busyText="Saving…">
        Save approval settings<span className="sr-only"> of {instance.name}</span>
      </SubmitButton>
    </form>
  );
}

function doneSentence({ instance, pendingChange, appliedNow }: SettingsUpdate): string {
  if (pendingChange)
    return `${appliedNow.length > 0 ? "The stricter settings applied at once. " : ""}Waiting for approval: this lowers the instance's protection (${pendingChange.lowers.join("; ")}), so another admin must approve it before it applies.`;
  const { required } = instance.approvals;
  return `Saved. ${required === 0 ? "Applies on this instance need no approval." : `Applies on this instance need ${required} approval${required === 1 ? "" : "s"}.`}`;
}
