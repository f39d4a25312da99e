import { Alert } from "@/components/ui/alert";
import type { AppError } from "@/lib/errors";
import { ArmErrorFacts } from "./arm-error-facts";
import { armFactsOf } from "./arm-facts";

/** A read from APIM that failed, shown where its result would have been. */
export function ArmProblem({ title, error }: { title: string; error: AppError }) {
  const arm = armFactsOf(error.details);
  return (
    <Alert tone="error" title={title}>
      {error.message}
      {arm ? <ArmErrorFacts arm={arm} /> : null}
    </Alert>
  );
}
