import { ArmProblem } from "@/components/arm/arm-problem";
import { DriftPanel } from "@/components/drift/drift-panel";
import { ButtonForm } from "@/components/forms/button-form";
import type { RequestContext } from "@/lib/auth/request-context";
import { detectDrift } from "@/lib/deployments/detect-drift";
import { orArmFailure } from "../../lookup";
import { createPlanAction } from "../../plans/actions";

/** Compares APIM with the last deployment (streamed in: it reads ARM). Admins get the restore plan. */
export async function DriftSection({ ctx, apiId }: { ctx: RequestContext; apiId: string }) {
  const checked = await orArmFailure(detectDrift(ctx, { apiId }));
  if (!checked.ok) return <ArmProblem title="APIM could not be read." error={checked.error} />;
  const restore =
    ctx.permissions.has("config.write") && checked.value.restorePlan ? (
      <ButtonForm
        action={createPlanAction}
        fields={{ apiId, purpose: "drift" }}
        busyText="Reading APIM…"
        errorTitle="No restore plan was made"
      >
        Create the restore plan
      </ButtonForm>
    ) : undefined;
  return <DriftPanel report={checked.value} restore={restore} />;
}
