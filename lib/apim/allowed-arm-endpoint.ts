import { getConfig } from "../env";
import { AppError } from "../errors";
import { AZURE_CLOUDS, resolveArmEndpoint } from "./arm-endpoints";

/**
 * The configured endpoint check (see arm-endpoints.ts): where an instance may point, said
 * when it is registered or re-pointed (400 naming the field) and again before every ARM call,
 * so an instance stored before the rule, or allowed by a setting since removed, sends nothing.
 */
export function allowedArmTarget(endpoint: string, use: "input" | "stored"): { origin: string; scope: string } {
  const { allowedArmEndpoints } = getConfig();
  const target = resolveArmEndpoint(endpoint, allowedArmEndpoints);
  if (target) return target;
  const extra = allowedArmEndpoints.map((e) => e.origin).filter((o) => !AZURE_CLOUDS.some((c) => c.armEndpoint === o));
  const rule = `must be the ARM endpoint of an Azure cloud (${AZURE_CLOUDS.map((c) => c.armEndpoint).join(", ")})${
    extra.length > 0
      ? ` or one listed in ARM_ENDPOINTS_ALLOWED (${extra.join(", ")})`
      : "; others only when listed in ARM_ENDPOINTS_ALLOWED"
  }`;
  const fields = [{ path: "armEndpoint", message: rule }];
  if (use === "input") throw new AppError("bad_request", `The instance is not valid: armEndpoint ${rule}.`, { fields });
  throw new AppError(
    "conflict",
    `This instance's ARM endpoint ${endpoint} is not an allowed ARM endpoint, so nothing was sent to it: it ${rule}. Point the instance at its cloud's endpoint, or allow it with ARM_ENDPOINTS_ALLOWED.`,
    { fields },
  );
}
