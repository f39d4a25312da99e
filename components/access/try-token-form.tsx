"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { SelectField } from "@/components/ui/select-field";
import { TextAreaField } from "@/components/ui/text-area-field";
import { TextField } from "@/components/ui/text-field";
import type { AccessCheckView } from "@/lib/access/schemas";
import { AccessCheckResult } from "./access-check-result";

const LABELS: Record<string, string> = {
  token: "Token",
  claims: "Claims",
  productId: "Product",
  operationId: "Operation",
  at: "Instant",
};

const fieldId = (path: string) => `try-token-${path}`;

/**
 * "Try a token": what APIM would decide for a pasted JWT or claims object. The token stays in
 * the browser's form and goes to the server only for the check: it is never stored, logged or
 * shown back, and neither the result nor an error repeats it.
 */
export function TryTokenForm({
  apiId,
  products,
  action,
}: {
  apiId: string;
  products: Array<{ id: string; name: string }>;
  action: FormAction<AccessCheckView>;
}) {
  const { state, pending, formProps } = useFormAction(action);
  const links =
    state.status === "error"
      ? state.fields.map((field) => ({
          message: field.message,
          label: LABELS[field.path] ?? field.path,
          fieldId: field.path in LABELS ? fieldId(field.path) : undefined,
        }))
      : [];
  return (
    <form {...formProps} className="space-y-4" aria-labelledby="try-token-title" noValidate>
      <h3 id="try-token-title" className="text-base font-semibold">
        Try a token
      </h3>
      <p className="text-sm text-slate-600">
        Paste a token or a claims object to see what APIM would decide for it. The token&apos;s signature is not
        checked: this says what the policies decide for these claims, not whether the token is genuine. The token is
        never stored, logged or shown again; the check itself is recorded in the audit log (who asked, for which API,
        the decision).
      </p>
      {state.status === "error" ? <ErrorSummary error={state} links={links} title="The token was not checked" /> : null}
      <input type="hidden" name="apiId" value={apiId} />
      <TextAreaField
        id={fieldId("token")}
        name="token"
        label="Token (JWT)"
        hint="With or without “Bearer ”. Leave empty to give claims instead."
        rows={4}
        autoComplete="off"
        spellCheck={false}
        error={fieldError(state, "token")}
      />
      <TextAreaField
        id={fieldId("claims")}
        name="claims"
        label="Claims (JSON object)"
        hint='Instead of a token, e.g. {"aud": "api://…", "tid": "…", "azp": "…", "exp": 1767225600}.'
        rows={4}
        autoComplete="off"
        spellCheck={false}
        error={fieldError(state, "claims")}
      />
      <div className="grid gap-4 md:grid-cols-3">
        <SelectField id={fieldId("productId")} name="productId" label="Product" error={fieldError(state, "productId")}>
          <option value="">No product</option>
          {products.map((product) => (
            <option key={product.id} value={product.id}>
              {product.name}
            </option>
          ))}
        </SelectField>
        <TextField
          id={fieldId("operationId")}
          name="operationId"
          label="Operation (optional)"
          hint="Its name in APIM, e.g. embeddings_create."
          autoComplete="off"
          spellCheck={false}
          error={fieldError(state, "operationId")}
        />
        <TextField
          id={fieldId("at")}
          name="at"
          label="Instant (optional)"
          hint="ISO 8601 with its offset, e.g. 2026-12-05T09:00:00Z. Empty: now."
          autoComplete="off"
          spellCheck={false}
          error={fieldError(state, "at")}
        />
      </div>
      <SubmitButton busy={pending} busyText="Reading APIM and checking…">
        Check the token
      </SubmitButton>
      <div role="status" aria-live="polite">
        {state.status === "done" ? <AccessCheckResult result={state.result} /> : null}
      </div>
    </form>
  );
}
