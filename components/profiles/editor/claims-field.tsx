import { buttonStyles } from "@/components/ui/button-styles";
import { fieldAria } from "@/components/ui/field-ids";
import { FieldMessages } from "@/components/ui/field-messages";
import { fieldStyles } from "@/components/ui/field-styles";
import { SelectField } from "@/components/ui/select-field";
import { TextField } from "@/components/ui/text-field";
import type { EditorFieldsProps } from "./editor-fields";
import { fieldDomId, type ClaimModel } from "./profile-form-model";
import { StringListField } from "./string-list-field";

/** Required claims: each a name, all/any, an optional separator and a list of accepted values. */
export function ClaimsField({ model, update, errors, newKey, focusLater, hints }: EditorFieldsProps) {
  const claims = model.callerAuth.requiredClaims;
  const listKey = "callerAuth.requiredClaims";
  const change = (claimKey: string, apply: (claim: ClaimModel) => void) =>
    update((draft) => {
      const claim = draft.callerAuth.requiredClaims.find((c) => c.key === claimKey);
      if (claim) apply(claim);
    });
  const add = () => {
    const key = newKey();
    update(
      (draft) =>
        void draft.callerAuth.requiredClaims.push({
          key,
          name: "",
          match: "all",
          separator: "",
          values: [{ key: newKey(), value: "" }],
        }),
    );
    focusLater(fieldDomId(`${listKey}.${key}.name`));
  };
  return (
    <fieldset
      className="space-y-3"
      {...fieldAria(`${fieldDomId(listKey)}-list`, { hint: hints.requiredClaims, error: errors.get(listKey) })}
    >
      <legend className={fieldStyles.label}>Required claims</legend>
      <FieldMessages id={`${fieldDomId(listKey)}-list`} hint={hints.requiredClaims} error={errors.get(listKey)} />
      {claims.map((claim, index) => {
        const key = `${listKey}.${claim.key}`;
        return (
          <fieldset key={claim.key} className="space-y-3 rounded-md border border-slate-200 p-3">
            <legend className="px-1 text-sm font-semibold">Claim {index + 1}</legend>
            <div className="grid gap-3 sm:grid-cols-3">
              <TextField
                id={fieldDomId(`${key}.name`)}
                label="Claim name"
                hint={hints.claimName}
                error={errors.get(`${key}.name`)}
                value={claim.name}
                onChange={(event) => change(claim.key, (c) => void (c.name = event.target.value))}
                autoComplete="off"
                spellCheck={false}
              />
              <SelectField
                id={fieldDomId(`${key}.match`)}
                label="Match"
                hint={hints.claimMatch}
                error={errors.get(`${key}.match`)}
                value={claim.match}
                onChange={(event) =>
                  change(claim.key, (c) => void (c.match = event.target.value === "any" ? "any" : "all"))
                }
              >
                <option value="all">all values</option>
                <option value="any">any value</option>
              </SelectField>
              <TextField
                id={fieldDomId(`${key}.separator`)}
                label="Separator (optional)"
                hint={hints.claimSeparator}
                error={errors.get(`${key}.separator`)}
                value={claim.separator}
                maxLength={1}
                onChange={(event) => change(claim.key, (c) => void (c.separator = event.target.value))}
                autoComplete="off"
              />
            </div>
            <StringListField
              fieldKey={`${key}.values`}
              legend="Accepted values"
              itemLabel={`Claim ${index + 1} value`}
              hint={hints.claimValues}
              items={claim.values}
              errors={errors}
              onChange={(values) => change(claim.key, (c) => void (c.values = values))}
              newKey={newKey}
              focusLater={focusLater}
            />
            <button
              type="button"
              className={buttonStyles.secondary}
              onClick={() => {
                update(
                  (draft) =>
                    void (draft.callerAuth.requiredClaims = draft.callerAuth.requiredClaims.filter(
                      (c) => c.key !== claim.key,
                    )),
                );
                focusLater(fieldDomId(listKey));
              }}
            >
              Remove claim {index + 1}
            </button>
          </fieldset>
        );
      })}
      <button
        type="button"
        id={fieldDomId(listKey)}
        className="text-sm font-semibold text-blue-700 underline"
        onClick={add}
      >
        Add required claim
      </button>
    </fieldset>
  );
}
