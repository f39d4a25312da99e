import type { ArmFacts } from "@/components/arm/arm-facts";
import type { FieldIssue } from "@/lib/errors";

export interface FormError {
  status: "error";
  /** AppError code (`bad_request`, `precondition_failed`, `upstream`, …) or `internal`. */
  code: string;
  message: string;
  /** Field problems by JSON path, e.g. `callerAuth.clientApplicationIds[1]`. */
  fields: FieldIssue[];
  arm?: ArmFacts;
}

/** What a server action answers its form with: nothing yet, its result, or what went wrong. */
export type FormState<Result = null> = { status: "idle" } | { status: "done"; result: Result } | FormError;

/** A server action as useActionState calls it. */
export type FormAction<Result> = (previous: FormState<Result>, formData: FormData) => Promise<FormState<Result>>;

export const IDLE: { status: "idle" } = { status: "idle" };

/** The message for one field of a failed submission, if it has one. */
export function fieldError(state: FormState<unknown>, path: string): string | undefined {
  return state.status === "error" ? state.fields.find((field) => field.path === path)?.message : undefined;
}
