import { parseStored } from "../../db/parse-stored";
import { desiredStateSchema, planSchema, type DesiredState, type PlanDiff, type PlanOperation } from "../schemas";

/** A plan's JSON columns as read back from the database, parsed (a bad row names itself). */
type PlanRow = { id: string };

const at = (plan: PlanRow, field: string) => ({ record: `plan ${plan.id}`, field });

/** The ARM writes the plan makes, in order. */
export function storedOperations(plan: PlanRow & { operations: unknown }): PlanOperation[] {
  return parseStored(planSchema.shape.operations, plan.operations, at(plan, "operations"));
}

/** What the plan showed before it was applied. */
export function storedDiff(plan: PlanRow & { diff: unknown }): PlanDiff {
  return parseStored(planSchema.shape.diff, plan.diff, at(plan, "diff"));
}

/** What APIM holds once the plan is applied. */
export function storedDesiredState(plan: PlanRow & { desiredState: unknown }): DesiredState {
  return parseStored(desiredStateSchema, plan.desiredState, at(plan, "desiredState"));
}
