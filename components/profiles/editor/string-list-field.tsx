import { buttonStyles } from "@/components/ui/button-styles";
import { fieldAria } from "@/components/ui/field-ids";
import { FieldMessages } from "@/components/ui/field-messages";
import { fieldStyles } from "@/components/ui/field-styles";
import { fieldDomId, type ListItem } from "./profile-form-model";

/**
 * A list of text values with add and remove. Each input is labelled "<item> N"; the add button
 * carries the list's own id, so an error about the whole list ("must list at least one")
 * links to the control that fixes it. Focus follows: to a new item, or back to "Add".
 */
export function StringListField({
  fieldKey,
  legend,
  itemLabel,
  hint,
  items,
  errors,
  onChange,
  newKey,
  focusLater,
}: {
  fieldKey: string;
  legend: string;
  itemLabel: string;
  hint?: string;
  items: ListItem[];
  errors: ReadonlyMap<string, string>;
  onChange: (items: ListItem[]) => void;
  newKey: () => string;
  focusLater: (domId: string) => void;
}) {
  const listId = fieldDomId(fieldKey);
  const listError = errors.get(fieldKey);
  const add = () => {
    const key = newKey();
    onChange([...items, { key, value: "" }]);
    focusLater(fieldDomId(`${fieldKey}.${key}`));
  };
  return (
    <fieldset className="space-y-2" {...fieldAria(`${listId}-list`, { hint, error: listError })}>
      <legend className={fieldStyles.label}>{legend}</legend>
      <FieldMessages id={`${listId}-list`} hint={hint} error={listError} />
      {items.length > 0 ? (
        <ul className="space-y-2">
          {items.map((item, index) => {
            const id = fieldDomId(`${fieldKey}.${item.key}`);
            const error = errors.get(`${fieldKey}.${item.key}`);
            return (
              <li key={item.key}>
                <div className="flex items-end gap-2">
                  <div className="min-w-0 flex-1">
                    <label htmlFor={id} className="sr-only">
                      {itemLabel} {index + 1}
                    </label>
                    <input
                      id={id}
                      value={item.value}
                      onChange={(event) =>
                        onChange(
                          items.map((other) =>
                            other.key === item.key ? { ...other, value: event.target.value } : other,
                          ),
                        )
                      }
                      className={fieldStyles.input}
                      autoComplete="off"
                      spellCheck={false}
                      {...fieldAria(id, { error })}
                    />
                  </div>
                  <button
                    type="button"
                    className={buttonStyles.secondary}
                    onClick={() => {
                      onChange(items.filter((other) => other.key !== item.key));
                      focusLater(listId);
                    }}
                  >
                    Remove
                    <span className="sr-only">
                      {" "}
                      {itemLabel.toLowerCase()} {index + 1}
                    </span>
                  </button>
                </div>
                <FieldMessages id={id} error={error} />
              </li>
            );
          })}
        </ul>
      ) : null}
      <button type="button" id={listId} className="text-sm font-semibold text-blue-700 underline" onClick={add}>
        Add {itemLabel.toLowerCase()}
      </button>
    </fieldset>
  );
}
