"use client";

import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { buttonStyles } from "@/components/ui/button-styles";
import { fieldStyles } from "@/components/ui/field-styles";

/**
 * The signing secret right after registration or regeneration: Portcullis keeps only what
 * derives it (docs/decisions/0007), so this is the one time it is shown. Copy puts it on the clipboard.
 */
export function WebhookSecretOnce({
  title,
  secret,
  fieldId = "webhook-secret",
}: {
  title: string;
  secret: string;
  /** Unique on the page: each webhook's regenerate form shows its own. */
  fieldId?: string;
}) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const copy = () => {
    navigator.clipboard.writeText(secret).then(
      () => setCopied("yes"),
      () => setCopied("failed"),
    );
  };
  return (
    <Alert tone="success" title={title}>
      <p>
        Its signing secret is shown <strong>this once</strong>: give it to the receiver now, it verifies each delivery
        with it (Standard Webhooks). Portcullis cannot show it again.
      </p>
      <div className="mt-2 flex flex-wrap items-end gap-2">
        <div className="min-w-0 flex-1">
          <label htmlFor={fieldId} className={fieldStyles.label}>
            Signing secret
          </label>
          <input
            id={fieldId}
            readOnly
            value={secret}
            className={`${fieldStyles.input} font-mono`}
            onFocus={(event) => event.currentTarget.select()}
          />
        </div>
        <button type="button" className={buttonStyles.secondary} onClick={copy}>
          Copy secret
        </button>
      </div>
      <p role="status" className="mt-1 text-xs">
        {copied === "yes"
          ? "Copied to the clipboard."
          : copied === "failed"
            ? "Could not copy: select it and copy."
            : ""}
      </p>
    </Alert>
  );
}
