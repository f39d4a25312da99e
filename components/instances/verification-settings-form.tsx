"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { Alert } from "@/components/ui/alert";
import { TextField } from "@/components/ui/text-field";
import type { InstanceView } from "@/lib/instances/schemas";

/**
 * An instance's verification settings: the gateway URL probes use instead of ARM's, and whether
 * every successful apply is followed by a verification. What was typed stays when it is refused.
 */
export function VerificationSettingsForm({
  instance,
  action,
  gatewayHint,
}: {
  instance: InstanceView;
  action: FormAction<string>;
  gatewayHint: string | undefined;
}) {
  const { state, pending, formProps } = useFormAction(action);
  const id = (name: string) => `verification-${instance.id}-${name}`;
  const links =
    state.status === "error"
      ? state.fields.map((f) => ({ message: f.message, fieldId: id(f.path), label: "Gateway URL for probes" }))
      : [];
  return (
    <form {...formProps} className="space-y-3" aria-label={`Verification settings of ${instance.name}`} noValidate>
      <input type="hidden" name="instanceId" value={instance.id} />
      {state.status === "error" ? (
        <ErrorSummary error={state} links={links} title="The verification settings were not saved" />
      ) : null}
      {state.status === "done" ? <Alert tone="success" title={state.result} /> : null}
      <TextField
        id={id("gatewayUrl")}
        name="gatewayUrl"
        label="Gateway URL for probes"
        hint={gatewayHint}
        error={fieldError(state, "gatewayUrl")}
        defaultValue={instance.gatewayUrl ?? ""}
        placeholder="the one ARM reports"
        autoComplete="off"
        spellCheck={false}
      />
      <div className="flex items-center gap-2">
        <input
          type="checkbox"
          id={id("verifyAfterApply")}
          name="verifyAfterApply"
          defaultChecked={instance.verifyAfterApply}
        />
        <label htmlFor={id("verifyAfterApply")} className="text-sm font-medium">
          Verify access after every successful apply
        </label>
      </div>
      <SubmitButton busy={pending} busyText="Saving…">
        Save verification settings
      </SubmitButton>
    </form>
  );
}
