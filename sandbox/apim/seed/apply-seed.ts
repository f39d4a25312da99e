import { servicePath, type SimulatorContext } from "../resources/arm-exchange";
import { parseArmPath } from "../resources/resource-path";
import { routeRequest } from "../resources/route-request";
import type { SeedRequest } from "./initial-seed";

/**
 * Applies seed requests through the ARM handlers, so seeded entities pass the same
 * validation as a client's. The preview api-version lets backends carry managed-identity
 * credentials. Requests run in order (later ones refer to earlier ones).
 */
export async function applySeed(context: SimulatorContext, requests: readonly SeedRequest[]): Promise<void> {
  for (const seed of requests) await applyOne(context, seed);
}

/** Applies independent seed groups concurrently; each group's requests run in order. */
export async function applySeedGroups(
  context: SimulatorContext,
  groups: readonly (readonly SeedRequest[])[],
): Promise<void> {
  await Promise.all(groups.map((group) => applySeed(context, group)));
}

async function applyOne(context: SimulatorContext, seed: SeedRequest): Promise<void> {
  // Only the path matters: nothing a seed request answers (e.g. a Location) is kept.
  const url = new URL(
    `${servicePath(context.service)}${seed.path}?api-version=2024-06-01-preview`,
    "https://localhost",
  );
  const target = parseArmPath(url.pathname, context.service);
  await routeRequest(context, target, {
    method: seed.method,
    url,
    ifMatch: undefined,
    body: seed.body,
    apiVersion: "2024-06-01-preview",
  });
}
