import { headers } from "next/headers";
import { unstable_rethrow } from "next/navigation";
import { armFactsOf } from "@/components/arm/arm-facts";
import type { FormError } from "@/components/forms/form-state";
import { isAppError } from "@/lib/errors";
import { toProblem } from "@/lib/rest/problem";
import { requestMetaFrom } from "@/lib/rest/request-meta";

/**
 * Turns what a server action threw into form state: the AppError's message, its field problems
 * by path and, for ARM failures, what ARM said. Unknown errors are logged with the request id
 * and shown without internals (the same mapping as the REST API's problem+json).
 * Next.js control flow (redirect, notFound) is rethrown.
 */
export async function actionError(error: unknown): Promise<FormError> {
  unstable_rethrow(error);
  const problem = toProblem(error, requestMetaFrom(await headers()).requestId);
  return {
    status: "error",
    code: problem.code,
    message: problem.detail,
    fields: problem.errors ?? [],
    arm: isAppError(error) ? armFactsOf(error.details) : undefined,
  };
}
