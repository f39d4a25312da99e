"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { Alert } from "@/components/ui/alert";
import { TextField } from "@/components/ui/text-field";

/** Creates a secret named value that APIM reads from Key Vault (the recommended kind). */
export function KeyVaultSecretForm({
  instanceId,
  hints,
  action,
}: {
  instanceId: string;
  hints: { name?: string; secretIdentifier?: string; identityClientId?: string };
  action: FormAction<string>;
}) {
  const { state, pending, formProps } = useFormAction(action, { resetOnDone: true });
  const links =
    state.status === "error"
      ? state.fields.map((f) => ({ message: f.message, label: f.path, fieldId: `kv-${f.path}` }))
      : [];
  return (
    <form {...formProps} className="space-y-4" aria-labelledby="kv-title" noValidate>
      <h3 id="kv-title" className="font-semibold">
        A Key Vault reference <span className="font-normal text-slate-600">(recommended)</span>
      </h3>
      <p className="text-sm text-slate-600">
        The secret stays in Key Vault: it never passes through Portcullis or your browser, Key Vault controls and logs
        who reads it, and a rotation in Key Vault reaches APIM without a change here.
      </p>
      <div role="status">
        {state.status === "done" ? <Alert live={false} tone="success" title={state.result} /> : null}
      </div>
      {state.status === "error" ? (
        <ErrorSummary error={state} links={links} title="The Key Vault reference was not created" />
      ) : null}
      <input type="hidden" name="instanceId" value={instanceId} />
      <TextField
        id="kv-name"
        name="name"
        label="Name"
        hint={hints.name}
        error={fieldError(state, "name")}
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        id="kv-secretIdentifier"
        name="secretIdentifier"
        label="Key Vault secret identifier"
        placeholder="https://<vault>.vault.azure.net/secrets/<name>"
        hint={hints.secretIdentifier}
        error={fieldError(state, "secretIdentifier")}
        autoComplete="off"
        spellCheck={false}
      />
      <TextField
        id="kv-identityClientId"
        name="identityClientId"
        label="Identity client id (optional)"
        hint={hints.identityClientId}
        error={fieldError(state, "identityClientId")}
        autoComplete="off"
        spellCheck={false}
      />
      <SubmitButton busy={pending} busyText="Creating…">
        Create Key Vault reference
      </SubmitButton>
    </form>
  );
}
