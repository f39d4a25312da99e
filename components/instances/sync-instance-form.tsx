"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import type { FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { Alert } from "@/components/ui/alert";
import type { SyncResult } from "@/lib/instances/sync-instance";

/** "Sync now" for one instance, with what the sync found or what APIM answered. */
export function SyncInstanceForm({ instanceId, instanceName, action }: { instanceId: string; instanceName: string; action: FormAction<SyncResult> }) {
  const { state, pending, formProps } = useFormAction(action);
  return (
    <div className="space-y-3">
      <form {...formProps}>
        <input type="hidden" name="instanceId" value={instanceId} />
        <SubmitButton tone="secondary" busy={pending} busyText="Syncing…">
          Sync APIs<span className="sr-only"> of {instanceName}</span>
        </SubmitButton>
      </form>
      <div role="status">
        {state.status === "done" ? (
          <Alert live={false} tone="success" title={`Synced ${instanceName}: ${state.result.total} APIs in APIM.`}>
            {state.result.added} added, {state.result.updated} updated, {state.result.gone} gone (kept and marked gone).
          </Alert>
        ) : null}
      </div>
      {state.status === "error" ? <ErrorSummary error={state} title={`Sync of ${instanceName} failed`} /> : null}
    </div>
  );
}
