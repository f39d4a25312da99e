import type { ArmErrorDetails } from "../../apim";
import type { AppError } from "../../errors";
import type { StepError } from "../schemas";

/** What a step keeps of an ARM failure: ARM's code, message and targets, never a request body. */
export function stepErrorOf(error: AppError): StepError {
  const details = error.details as Partial<ArmErrorDetails>;
  return {
    code: error.code,
    message: error.message,
    status: details.status ?? null,
    armCode: details.armCode ?? null,
    armMessage: details.armMessage ?? null,
    targets: (details.armDetails ?? []).map((detail) => ({
      target: detail.target ?? null,
      message: detail.message ?? null,
    })),
    mayHaveLanded: details.mayHaveLanded === true,
  };
}

/** A conflict Portcullis found itself (the entity changed since the plan), before writing anything. */
export function changedSincePlan(message: string): StepError {
  return {
    code: "precondition_failed",
    message,
    status: null,
    armCode: null,
    armMessage: null,
    targets: [],
    mayHaveLanded: false,
  };
}
