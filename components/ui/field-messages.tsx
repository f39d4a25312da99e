import { fieldStyles } from "./field-styles";

/** The hint and error under a field, with the ids fieldAria() points the input at. */
export function FieldMessages({ id, hint, error }: { id: string; hint?: string; error?: string }) {
  return (
    <>
      {hint ? (
        <p id={`${id}-hint`} className={fieldStyles.hint}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className={fieldStyles.error}>
          <span className="sr-only">Error: </span>
          {error}
        </p>
      ) : null}
    </>
  );
}
