import { EffectiveAccessPanel } from "@/components/access/effective-access-panel";
import { TryTokenForm } from "@/components/access/try-token-form";
import { ArmProblem } from "@/components/arm/arm-problem";
import { getEffectiveAccess } from "@/lib/access/get-effective-access";
import type { RequestContext } from "@/lib/auth/request-context";
import { orArmFailure } from "../../lookup";
import { checkAccessAction } from "./actions";

/** Reads every scope of the API from APIM (streamed in: it reads ARM), then the token what-if for its paths. */
export async function EffectiveAccessSection({ ctx, apiId }: { ctx: RequestContext; apiId: string }) {
  const read = await orArmFailure(getEffectiveAccess(ctx, { apiId }));
  if (!read.ok) return <ArmProblem title="The scopes of this API could not be read from APIM." error={read.error} />;
  const products = read.value.paths.flatMap((path) =>
    path.productId === null ? [] : [{ id: path.productId, name: path.productName ?? path.productId }],
  );
  return (
    <div className="space-y-6">
      <EffectiveAccessPanel access={read.value} />
      <TryTokenForm apiId={apiId} products={products} action={checkAccessAction} />
    </div>
  );
}
