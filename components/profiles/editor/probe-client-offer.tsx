import { buttonStyles } from "@/components/ui/button-styles";
import type { EditorFieldsProps } from "./editor-fields";
import { fieldDomId } from "./profile-form-model";

/**
 * Offers the Portcullis probe (Portcullis's own app registration) as an allowed client: with it,
 * "Verify access" proves with a real token that allowed callers reach the model; without it a
 * verification in production can only say "allowed callers not proven".
 */
export function ProbeClientOffer({ model, update, newKey, focusLater, probeClientId }: EditorFieldsProps) {
  if (probeClientId === null) return null;
  const items = model.callerAuth.clientApplicationIds;
  const included = items.some((item) => item.value.trim().toLowerCase() === probeClientId.toLowerCase());
  if (included)
    return (
      <p className="text-sm text-slate-700" data-testid="probe-client">
        The Portcullis probe (client <code className="font-mono text-xs">{probeClientId}</code>) is an allowed client:
        Verify access can prove that allowed callers reach the model.
      </p>
    );
  const add = () => {
    const key = newKey();
    // An empty item (the one a new list starts with) is replaced rather than left to fail validation.
    const index = items.findIndex((item) => item.value.trim() === "");
    update((draft) => {
      const list = draft.callerAuth.clientApplicationIds;
      if (index === -1) list.push({ key, value: probeClientId });
      else list[index] = { key, value: probeClientId };
    });
    // The button gives way to a sentence: focus moves to the field that now holds the probe's id.
    focusLater(fieldDomId(`callerAuth.clientApplicationIds.${key}`));
  };
  return (
    <div className="space-y-1" data-testid="probe-client">
      <button type="button" className={buttonStyles.secondary} onClick={add} aria-describedby="probe-client-hint">
        Add the Portcullis probe
      </button>
      <p id="probe-client-hint" className="text-xs text-slate-500">
        Lets Verify access prove that allowed callers reach the model, with a token of Portcullis&apos;s own app
        registration (client {probeClientId}). Without it a verification says &ldquo;allowed callers not proven&rdquo;.
      </p>
    </div>
  );
}
