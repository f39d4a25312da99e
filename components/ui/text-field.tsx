import type { ComponentProps } from "react";
import { fieldAria } from "./field-ids";
import { FieldMessages } from "./field-messages";
import { fieldStyles } from "./field-styles";

type TextFieldProps = Omit<ComponentProps<"input">, "id"> & {
  id: string;
  label: string;
  hint?: string;
  error?: string;
};

/** A labelled input with its hint and error wired up for screen readers. */
export function TextField({ id, label, hint, error, className, ...input }: TextFieldProps) {
  return (
    <div className={className}>
      <label htmlFor={id} className={fieldStyles.label}>
        {label}
      </label>
      <input id={id} className={fieldStyles.input} {...fieldAria(id, { hint, error })} {...input} />
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}
