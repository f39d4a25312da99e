import { randomUUID } from "node:crypto";
import { readAccessScopes } from "../../lib/access/read-api-access";
import { limitConcurrency } from "../../lib/apim";
import { apimClientForInstance, type InstanceCoordinates } from "../../lib/apim/client-for-instance";
import { withSharedReads } from "../../lib/apim/shared-reads";
import { readLiveState } from "../../lib/deployments/plan/read-live-state";
import type { AccessProfile } from "../../lib/policy";

/**
 * The ARM calls of an apply alone, as a baseline measured in the same process and minutes as the
 * apply itself: per API, what its plan reads from APIM (the same reads through the same client,
 * withSharedReads and the instance's single-flight reads, as createPlan makes them) and then its
 * policy written back, `concurrency` APIs at a time — no database, no plan, no audit. What the
 * apply takes beyond this is Portcullis's own work; what this takes beyond the lower bound is the
 * machine's (the HTTP client, the sandbox, the other processes on the same cores).
 *
 * The policy is written back as read: the sandbox then keeps its entity as it is (no new ETag, no
 * file written), a little less work than an apply's write, so the baseline errs fast.
 * Resolves to the wall time in ms.
 */
export async function armCallsAlone(
  instance: InstanceCoordinates,
  apimNames: readonly string[],
  profile: AccessProfile,
  concurrency: number,
): Promise<number> {
  const limit = limitConcurrency(concurrency);
  const started = performance.now();
  await Promise.all(
    apimNames.map((apimName) =>
      limit(async () => {
        const apim = withSharedReads(apimClientForInstance(instance));
        const correlationId = randomUUID();
        const [, live] = await Promise.all([
          readAccessScopes(apim, apimName, correlationId),
          readLiveState(apim, apimName, profile, [], correlationId),
        ]);
        if (!live.policy) throw new Error(`API ${apimName} has no policy to write back`);
        await apim.putApiPolicy(apimName, live.policy.xml, { etag: live.policy.etag }, { correlationId });
      }),
    ),
  );
  return performance.now() - started;
}
