"use client";

import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction, type FormState } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { FieldMessages } from "@/components/ui/field-messages";
import { fieldStyles } from "@/components/ui/field-styles";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import { WebhookSecretOnce } from "./webhook-secret-once";

export interface RegisterWebhookFormProps {
  action: FormAction<{ url: string; secret: string }>;
  instances: ReadonlyArray<{ id: string; name: string }>;
  events: ReadonlyArray<{ type: string; label: string }>;
  formats: ReadonlyArray<{ value: string; label: string }>;
  hints: { url?: string; instanceId?: string; events?: string; format?: string };
}

const LABELS: Record<string, string> = { url: "URL", instanceId: "Events of", events: "Events", format: "Format" };

/** Registers a webhook; on success shows its signing secret this once, with a copy button. */
export function RegisterWebhookForm({ action, instances, events, formats, hints }: RegisterWebhookFormProps) {
  const { state, pending, formProps } = useFormAction(action, { resetOnDone: true });
  const eventsError = eventsFieldError(state);
  const summaryLinks =
    state.status === "error"
      ? state.fields.map((f) => {
          const field = f.path.replace(/\[\d+\]$/, "");
          return { message: f.message, fieldId: `webhook-${field}`, label: LABELS[field] };
        })
      : [];
  return (
    <div className="space-y-4">
      {state.status === "done" ? (
        <WebhookSecretOnce title={`Registered the webhook to ${state.result.url}.`} secret={state.result.secret} />
      ) : null}
      <form {...formProps} className="space-y-4" aria-labelledby="register-webhook-title" noValidate>
        <h2 id="register-webhook-title" className="text-lg font-semibold">
          Register a webhook
        </h2>
        {state.status === "error" ? (
          <ErrorSummary error={state} links={summaryLinks} title="The webhook was not registered" />
        ) : null}
        <TextField
          id="webhook-url"
          name="url"
          label="URL"
          type="url"
          hint={hints.url}
          error={fieldError(state, "url")}
          autoComplete="off"
          spellCheck={false}
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            id="webhook-instanceId"
            name="instanceId"
            label="Events of"
            hint={hints.instanceId}
            error={fieldError(state, "instanceId")}
          >
            <option value="">All instances (and Portcullis-wide events)</option>
            {instances.map((instance) => (
              <option key={instance.id} value={instance.id}>
                {instance.name}
              </option>
            ))}
          </SelectField>
          <SelectField
            id="webhook-format"
            name="format"
            label="Format"
            hint={hints.format}
            error={fieldError(state, "format")}
          >
            {formats.map((format) => (
              <option key={format.value} value={format.value}>
                {format.label}
              </option>
            ))}
          </SelectField>
        </div>
        <fieldset
          id="webhook-events"
          tabIndex={-1}
          aria-describedby={[hints.events ? "webhook-events-hint" : "", eventsError ? "webhook-events-error" : ""]
            .filter(Boolean)
            .join(" ")}
        >
          <legend className={fieldStyles.label}>Events</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {events.map((event) => (
              <label key={event.type} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="events" value={event.type} />
                {event.label} <span className="text-xs text-slate-500">({event.type})</span>
              </label>
            ))}
          </div>
          <FieldMessages id="webhook-events" hint={hints.events} error={eventsError} />
        </fieldset>
        <SubmitButton busy={pending} busyText="Registering…">
          Register webhook
        </SubmitButton>
      </form>
    </div>
  );
}

/** The events list's problem, whether it is about the list or one of its items. */
function eventsFieldError(state: FormState<unknown>): string | undefined {
  return state.status === "error"
    ? state.fields.find((f) => f.path === "events" || f.path.startsWith("events["))?.message
    : undefined;
}
