import type { ArmErrorDetails } from "@/lib/apim";

/** Facts about a failed ARM call that help an admin act on it (never secrets or bodies we sent). */
export interface ArmFacts {
  status: number | null;
  code?: string;
  message?: string;
  details: Array<{ code?: string; target?: string; message?: string; line?: number; column?: number }>;
  correlationId?: string;
  requestIds: string[];
  mayHaveLanded: boolean;
}

/**
 * The ARM part of an error's details (AppError.details from lib/apim, or a deployment step's
 * recorded error), or undefined when the error did not come from ARM.
 */
export function armFactsOf(details: unknown): ArmFacts | undefined {
  if (typeof details !== "object" || details === null || !("correlationId" in details)) return undefined;
  const arm = details as Partial<ArmErrorDetails>;
  return {
    status: arm.status ?? null,
    code: arm.armCode,
    message: arm.armMessage,
    details: arm.armDetails ?? [],
    correlationId: arm.correlationId,
    requestIds: arm.requestIds ?? [],
    mayHaveLanded: arm.mayHaveLanded ?? false,
  };
}
