import { TextField } from "@/components/ui/text-field";
import type { EditorFieldsProps } from "./editor-fields";
import { fieldDomId } from "./profile-form-model";
import { RadioGroup } from "./radio-group";

const MODES = [
  { value: "apiKey", label: "API key", hint: "A secret named value, sent to the backend in a header." },
  {
    value: "managedIdentity",
    label: "Managed identity",
    hint: "APIM's managed identity gets a Microsoft Entra token for the backend.",
  },
  { value: "none", label: "None", hint: "APIM sends no credentials of its own (the backend must not need any)." },
] as const;

/** How APIM authenticates to the model backend. */
export function BackendAuthFields({ model, update, errors, hints }: EditorFieldsProps) {
  const backend = model.backendAuth;
  const text = (
    name: "namedValue" | "headerName" | "resource" | "clientId" | "backendId" | "backendUrl",
    label: string,
    extra: { placeholder?: string } = {},
  ) => (
    <TextField
      id={fieldDomId(`backendAuth.${name}`)}
      label={label}
      hint={hints[name]}
      error={errors.get(`backendAuth.${name}`)}
      value={backend[name]}
      onChange={(event) => update((draft) => void (draft.backendAuth[name] = event.target.value))}
      autoComplete="off"
      spellCheck={false}
      {...extra}
    />
  );
  return (
    <div className="space-y-5">
      <RadioGroup
        id={fieldDomId("backendAuth.mode")}
        name="backendAuth.mode"
        legend="Mode"
        options={MODES}
        value={backend.mode}
        onChange={(mode) => update((draft) => void (draft.backendAuth.mode = mode))}
        error={errors.get("backendAuth.mode")}
      />
      {backend.mode === "apiKey" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          {text("namedValue", "Named value")}
          {text("headerName", "Header name")}
        </div>
      ) : null}
      {backend.mode === "managedIdentity" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          {text("resource", "Resource (audience of the token)")}
          {text("clientId", "User-assigned identity client id (optional)")}
        </div>
      ) : null}
      {backend.mode !== "none" ? (
        <>
          <RadioGroup
            id={fieldDomId("backendAuth.delivery")}
            name="backendAuth.delivery"
            legend="Delivered by"
            options={[
              {
                value: "policy",
                label:
                  backend.mode === "apiKey"
                    ? "The policy (set-header)"
                    : "The policy (authentication-managed-identity)",
                hint:
                  backend.mode === "apiKey"
                    ? hints.deliveryPolicy
                    : "The policy gets a token and sets the Authorization header.",
              },
              {
                value: "backend",
                label: "An APIM backend entity (set-backend-service)",
                hint: hints.deliveryBackend,
              },
            ]}
            value={backend.delivery}
            onChange={(delivery) => update((draft) => void (draft.backendAuth.delivery = delivery))}
            error={errors.get("backendAuth.delivery")}
          />
          {backend.delivery === "backend" ? (
            <div className="grid gap-4 sm:grid-cols-2">
              {text("backendId", "Backend id")}
              {text("backendUrl", "Backend URL", { placeholder: "https://" })}
            </div>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
