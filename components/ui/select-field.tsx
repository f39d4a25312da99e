import type { SelectHTMLAttributes } from "react";
import { fieldAria } from "./field-ids";
import { FieldMessages } from "./field-messages";
import { fieldStyles } from "./field-styles";

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id"> & {
  id: string;
  label: string;
  hint?: string;
  error?: string;
};

/** A labelled select with its hint and error wired up for screen readers. */
export function SelectField({ id, label, hint, error, className, children, ...select }: SelectFieldProps) {
  return (
    <div className={className}>
      <label htmlFor={id} className={fieldStyles.label}>
        {label}
      </label>
      <select id={id} className={fieldStyles.input} {...fieldAria(id, { hint, error })} {...select}>
        {children}
      </select>
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}
