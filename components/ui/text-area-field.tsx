import type { ComponentProps } from "react";
import { fieldAria } from "./field-ids";
import { FieldMessages } from "./field-messages";
import { fieldStyles } from "./field-styles";

type TextAreaFieldProps = Omit<ComponentProps<"textarea">, "id"> & {
  id: string;
  label: string;
  hint?: string;
  error?: string;
};

/** A labelled multi-line input with its hint and error wired up for screen readers. */
export function TextAreaField({ id, label, hint, error, className, ...textarea }: TextAreaFieldProps) {
  return (
    <div className={className}>
      <label htmlFor={id} className={fieldStyles.label}>
        {label}
      </label>
      <textarea
        id={id}
        className={`${fieldStyles.input} font-mono`}
        {...fieldAria(id, { hint, error })}
        {...textarea}
      />
      <FieldMessages id={id} hint={hint} error={error} />
    </div>
  );
}
