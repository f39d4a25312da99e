import { FieldMessages } from "@/components/ui/field-messages";

export interface RadioOption<V extends string> {
  value: V;
  label: string;
  hint?: string;
}

/**
 * A choice of modes as radio buttons in a fieldset. The checked radio carries `id`, so an
 * error summary link for the group lands on the current choice.
 */
export function RadioGroup<V extends string>({
  id,
  name,
  legend,
  options,
  value,
  onChange,
  error,
}: {
  id: string;
  name: string;
  legend: string;
  options: ReadonlyArray<RadioOption<V>>;
  value: V;
  onChange: (value: V) => void;
  error?: string;
}) {
  return (
    <fieldset aria-describedby={error ? `${id}-error` : undefined}>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-2 space-y-2">
        {options.map((option) => {
          const optionId = option.value === value ? id : `${id}-${option.value}`;
          return (
            <div key={option.value} className="flex items-start gap-2">
              <input
                type="radio"
                id={optionId}
                name={name}
                value={option.value}
                checked={option.value === value}
                onChange={() => onChange(option.value)}
                aria-describedby={option.hint ? `${id}-${option.value}-hint` : undefined}
                className="mt-1"
              />
              <div>
                <label htmlFor={optionId} className="text-sm font-medium">
                  {option.label}
                </label>
                {option.hint ? (
                  <p id={`${id}-${option.value}-hint`} className="text-xs text-slate-500">
                    {option.hint}
                  </p>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
      <FieldMessages id={id} error={error} />
    </fieldset>
  );
}
