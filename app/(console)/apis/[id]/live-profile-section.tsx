import { ArmProblem } from "@/components/arm/arm-problem";
import { LiveProfileView } from "@/components/profiles/live-profile-view";
import type { RequestContext } from "@/lib/auth/request-context";
import { readLiveProfile } from "@/lib/profiles/read-live-profile";
import { orArmFailure } from "../../lookup";

/** Reads the API's live policy from APIM (streamed in, so the rest of the page does not wait for ARM). */
export async function LiveProfileSection({ ctx, apiId }: { ctx: RequestContext; apiId: string }) {
  const live = await orArmFailure(readLiveProfile(ctx, { apiId }));
  return live.ok ? (
    <LiveProfileView live={live.value} />
  ) : (
    <ArmProblem title="APIM could not be read." error={live.error} />
  );
}
