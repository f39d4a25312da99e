"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import type { FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { WebhookSecretOnce } from "./webhook-secret-once";

/**
 * "New signing secret" for one webhook: the old secret stops verifying at once, so the new one is
 * shown (this once) right below the button for the admin to give to the receiver.
 */
export function RegenerateSecretForm({
  action,
  webhookId,
}: {
  action: FormAction<{ url: string; secret: string }>;
  webhookId: string;
}) {
  const { state, pending, formProps } = useFormAction(action);
  return (
    <div className="w-full space-y-3">
      <form {...formProps}>
        <input type="hidden" name="webhookId" value={webhookId} />
        <SubmitButton tone="secondary" busy={pending} busyText="Replacing the secret…">
          New signing secret
        </SubmitButton>
      </form>
      {state.status === "done" ? (
        <WebhookSecretOnce
          title={`New signing secret of the webhook to ${state.result.url}: the old one no longer verifies.`}
          secret={state.result.secret}
          fieldId={`webhook-secret-${webhookId}`}
        />
      ) : null}
      {state.status === "error" ? <ErrorSummary error={state} title="The signing secret was not replaced" /> : null}
    </div>
  );
}
