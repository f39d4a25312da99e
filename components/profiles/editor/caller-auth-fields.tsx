import { TextField } from "@/components/ui/text-field";
import { ClaimsField } from "./claims-field";
import type { EditorFieldsProps } from "./editor-fields";
import { ProbeClientOffer } from "./probe-client-offer";
import { fieldDomId, type ListItem } from "./profile-form-model";
import { RadioGroup } from "./radio-group";
import { StringListField } from "./string-list-field";

const MODES = [
  {
    value: "none",
    label: "None",
    hint: "APIM lets every caller through to backend authentication (subscription keys still apply).",
  },
  {
    value: "entra",
    label: "Microsoft Entra token",
    hint: "validate-azure-ad-token: tokens from one tenant, for the client applications you list.",
  },
  {
    value: "jwt",
    label: "Any OpenID Connect token",
    hint: "validate-jwt: tokens from the issuers of an OpenID configuration.",
  },
] as const;

type ListName = "clientApplicationIds" | "issuers" | "audiences";

/** Which callers APIM lets in, checked before backend authentication. */
export function CallerAuthFields(props: EditorFieldsProps) {
  const { hints } = props;
  const { model, update, errors, newKey, focusLater } = props;
  const caller = model.callerAuth;
  const list = (name: ListName, legend: string, itemLabel: string, hint: string | undefined) => (
    <StringListField
      fieldKey={`callerAuth.${name}`}
      legend={legend}
      itemLabel={itemLabel}
      hint={hint}
      items={caller[name]}
      errors={errors}
      onChange={(items: ListItem[]) => update((draft) => void (draft.callerAuth[name] = items))}
      newKey={newKey}
      focusLater={focusLater}
    />
  );
  const text = (
    path: "tenantId" | "openIdConfigUrl",
    label: string,
    hint: string | undefined,
    placeholder?: string,
  ) => (
    <TextField
      id={fieldDomId(`callerAuth.${path}`)}
      label={label}
      hint={hint}
      error={errors.get(`callerAuth.${path}`)}
      value={caller[path]}
      placeholder={placeholder}
      onChange={(event) => update((draft) => void (draft.callerAuth[path] = event.target.value))}
      autoComplete="off"
      spellCheck={false}
    />
  );
  const failed = (name: "httpCode" | "message", label: string) => (
    <TextField
      id={fieldDomId(`callerAuth.failedValidation.${name}`)}
      label={label}
      error={errors.get(`callerAuth.failedValidation.${name}`)}
      value={caller.failedValidation[name]}
      inputMode={name === "httpCode" ? "numeric" : undefined}
      placeholder={name === "httpCode" ? "401" : "APIM's default message"}
      onChange={(event) => update((draft) => void (draft.callerAuth.failedValidation[name] = event.target.value))}
      autoComplete="off"
    />
  );

  return (
    <div className="space-y-5">
      <RadioGroup
        id={fieldDomId("callerAuth.mode")}
        name="callerAuth.mode"
        legend="Mode"
        options={MODES}
        value={caller.mode}
        onChange={(mode) => update((draft) => void (draft.callerAuth.mode = mode))}
        error={errors.get("callerAuth.mode")}
      />
      {caller.mode === "entra" ? (
        <>
          {text("tenantId", "Tenant", hints.tenantId, "contoso.onmicrosoft.com or a tenant id")}
          {list("clientApplicationIds", "Client application ids", "Client application id", hints.clientApplicationIds)}
          <ProbeClientOffer {...props} />
          {list("audiences", "Audiences (optional)", "Audience", hints.entraAudiences)}
        </>
      ) : null}
      {caller.mode === "jwt" ? (
        <>
          {text(
            "openIdConfigUrl",
            "OpenID configuration URL",
            hints.openIdConfigUrl,
            "https://…/.well-known/openid-configuration",
          )}
          {list("issuers", "Issuers", "Issuer", hints.issuers)}
          {list("audiences", "Audiences", "Audience", hints.jwtAudiences)}
        </>
      ) : null}
      {caller.mode !== "none" ? (
        <>
          <ClaimsField {...props} />
          <fieldset aria-describedby={`${fieldDomId("callerAuth.failedValidation")}-hint`}>
            <legend className="text-sm font-medium text-slate-700">When a token fails validation</legend>
            <p id={`${fieldDomId("callerAuth.failedValidation")}-hint`} className="mt-1 text-xs text-slate-500">
              {hints.failedValidation}
            </p>
            <div className="mt-2 grid gap-4 sm:grid-cols-[8rem_1fr]">
              {failed("httpCode", "Status code")}
              {failed("message", "Message")}
            </div>
          </fieldset>
        </>
      ) : null}
    </div>
  );
}
