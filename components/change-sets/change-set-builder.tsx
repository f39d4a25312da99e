"use client";

import { useMemo, useState } from "react";
import { ErrorSummary } from "@/components/forms/error-summary";
import { fieldError, type FormAction } from "@/components/forms/form-state";
import { SubmitButton } from "@/components/forms/submit-button";
import { useFormAction } from "@/components/forms/use-form-action";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";

export interface SelectableApi {
  id: string;
  displayName: string;
  apimName: string;
  instanceId: string;
  instanceName: string;
  profileVersion: number | null;
}

const CHANGES = [
  { op: "addClientApplication", label: "Add a client application", value: "Client application id" },
  { op: "removeClientApplication", label: "Remove a client application", value: "Client application id" },
  { op: "setTenant", label: "Set the tenant", value: "Tenant id or domain" },
  { op: "addAudience", label: "Add an audience", value: "Audience" },
  { op: "removeAudience", label: "Remove an audience", value: "Audience" },
  { op: "addRequiredClaim", label: "Require a claim", value: "Claim name" },
  { op: "removeRequiredClaim", label: "Stop requiring a claim", value: "Claim name" },
  { op: "useManagedIdentity", label: "Backend: APIM's managed identity", value: "Resource (token audience)" },
  { op: "useNoBackendAuth", label: "Backend: no authentication", value: null },
  { op: "applyTemplate", label: "Apply a profile template (the APIs follow it)", value: null },
  { op: "promote", label: "Promote to another instance", value: null },
] as const;

export type ChangeOp = (typeof CHANGES)[number]["op"];

/**
 * Builds a change set: filter the APIs (by name, by instance), tick them one by one or all shown,
 * and choose the one change. Ticked APIs stay ticked while a filter hides them (their checkboxes
 * are only hidden), so a selection can be built across filters. "Promote to another instance"
 * sends the ticked APIs' profiles (all of one instance) to the same APIs on the instance chosen.
 */
export function ChangeSetBuilder({
  apis,
  templates,
  targets,
  initialOp = "addClientApplication",
  action,
}: {
  apis: SelectableApi[];
  /** Profile templates, for "Apply a profile template". */
  templates: Array<{ id: string; name: string; latestVersion: number }>;
  /** Instances, for "Promote to another instance". */
  targets: Array<{ id: string; name: string; environment: string | null }>;
  initialOp?: ChangeOp;
  action: FormAction<string>;
}) {
  const { state, pending, formProps } = useFormAction(action);
  const [filter, setFilter] = useState("");
  const [instanceId, setInstanceId] = useState("");
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [op, setOp] = useState<ChangeOp>(initialOp);
  const instances = useMemo(
    () => [...new Map(apis.map((api) => [api.instanceId, api.instanceName])).entries()],
    [apis],
  );
  const shown = apis.filter(
    (api) =>
      (instanceId === "" || api.instanceId === instanceId) &&
      `${api.displayName} ${api.apimName}`.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  const allShownSelected = shown.length > 0 && shown.every((api) => selected.has(api.id));
  const toggle = (ids: string[], on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  const change = CHANGES.find((item) => item.op === op)!;
  const valueError =
    fieldError(state, "change.clientApplicationId") ??
    fieldError(state, "change.tenantId") ??
    fieldError(state, "change.audience") ??
    fieldError(state, "change.claim.name") ??
    fieldError(state, "change.name") ??
    fieldError(state, "change.backendAuth.resource");
  const claimError = fieldError(state, "change.claim.values");
  const apisError = fieldError(state, "apiIds");
  const targetError = fieldError(state, "targetInstanceId");

  return (
    <form {...formProps} className="space-y-6" aria-label="New change set" noValidate>
      {state.status === "error" ? (
        <ErrorSummary
          error={state}
          title="The change set was not made"
          links={[
            ...(apisError ? [{ message: apisError, fieldId: "api-filter", label: "APIs" }] : []),
            ...(valueError ? [{ message: valueError, fieldId: "change-value", label: change.value ?? "Value" }] : []),
            ...(claimError ? [{ message: claimError, fieldId: "change-claim-values", label: "Claim values" }] : []),
            ...(targetError ? [{ message: targetError, fieldId: "change-target", label: "Promote to instance" }] : []),
          ]}
        />
      ) : null}

      <fieldset className="space-y-4">
        <legend className="text-lg font-semibold">1. The change</legend>
        <SelectField
          id="change-op"
          name="op"
          label="Change"
          value={op}
          onChange={(event) => setOp(event.target.value as typeof op)}
        >
          {CHANGES.map((item) => (
            <option key={item.op} value={item.op}>
              {item.label}
            </option>
          ))}
        </SelectField>
        {change.value ? (
          <TextField id="change-value" name="value" label={change.value} error={valueError} autoComplete="off" />
        ) : null}
        {op === "applyTemplate" ? (
          templates.length === 0 ? (
            <p className="text-sm text-slate-600">No profile template yet: create one under Templates first.</p>
          ) : (
            <SelectField
              id="change-template"
              name="templateId"
              label="Template"
              hint="Its current version becomes each API's profile, and its next versions come to them as change sets."
              error={fieldError(state, "templateId")}
            >
              {templates.map((template) => (
                <option key={template.id} value={template.id}>
                  {template.name} (v{template.latestVersion})
                </option>
              ))}
            </SelectField>
          )
        ) : null}
        {op === "promote" ? (
          <SelectField
            id="change-target"
            name="targetInstanceId"
            label="Promote to instance"
            hint="Each selected API's profile (select APIs of one instance), as written with its variables, goes to the API with the same ARM name there, with that instance's environment's values. A variable it does not set refuses the whole promotion."
            error={targetError}
          >
            {targets.map((target) => (
              <option key={target.id} value={target.id}>
                {target.name} ({target.environment ?? "no environment"})
              </option>
            ))}
          </SelectField>
        ) : null}
        {op === "addRequiredClaim" ? (
          <TextField
            id="change-claim-values"
            name="claimValues"
            label="Claim values"
            hint="Comma-separated; the token must hold all of them."
            error={claimError}
            autoComplete="off"
          />
        ) : null}
        {op === "applyTemplate" ? null : (
          <TextField
            id="change-title"
            name="title"
            label="Title (optional)"
            hint="Defaults to the change."
            autoComplete="off"
          />
        )}
      </fieldset>

      <fieldset className="space-y-4">
        <legend className="text-lg font-semibold">2. The APIs</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            id="api-filter"
            label="Filter by name"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            error={apisError}
            autoComplete="off"
            type="search"
          />
          <SelectField
            id="api-instance"
            label="Instance"
            value={instanceId}
            onChange={(event) => setInstanceId(event.target.value)}
          >
            <option value="">All instances</option>
            {instances.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </SelectField>
        </div>
        <p role="status" className="text-sm" data-testid="selected-count">
          {selected.size} of {apis.length} APIs selected{shown.length < apis.length ? `, ${shown.length} shown` : ""}.
        </p>
        {apis.length === 0 ? (
          <p className="text-sm text-slate-600">No API is known yet: register and sync an instance first.</p>
        ) : (
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="min-w-full text-left text-sm">
              <caption className="sr-only">APIs to change</caption>
              <thead className="bg-slate-50 text-xs uppercase text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2">
                    <label className="flex items-center gap-2">
                      <input
                        type="checkbox"
                        className="h-4 w-4"
                        checked={allShownSelected}
                        disabled={shown.length === 0}
                        onChange={(event) =>
                          toggle(
                            shown.map((api) => api.id),
                            event.target.checked,
                          )
                        }
                      />
                      Select all shown
                    </label>
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Instance
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Profile
                  </th>
                </tr>
              </thead>
              <tbody>
                {apis.map((api) => (
                  <tr key={api.id} className="border-t border-slate-100" hidden={!shown.includes(api)}>
                    <td className="px-3 py-2">
                      <label className="flex items-center gap-2">
                        <input
                          type="checkbox"
                          name="apiId"
                          value={api.id}
                          className="h-4 w-4"
                          checked={selected.has(api.id)}
                          onChange={(event) => toggle([api.id], event.target.checked)}
                        />
                        {api.displayName} <span className="text-slate-500">({api.apimName})</span>
                      </label>
                    </td>
                    <td className="px-3 py-2">{api.instanceName}</td>
                    <td className="px-3 py-2">
                      {api.profileVersion === null ? "none yet (will be blocked)" : `version ${api.profileVersion}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </fieldset>

      <SubmitButton busy={pending} busyText="Saving and planning every API…">
        Save and plan {selected.size} API{selected.size === 1 ? "" : "s"}
      </SubmitButton>
    </form>
  );
}
