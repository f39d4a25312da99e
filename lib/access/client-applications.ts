import type { NamedValue, ScopeRead } from "../apim";
import { accessColumns } from "./access-columns";
import { namedValueFact, type ApiAccessPaths } from "./api-access-paths";
import { clientDirectory } from "./client-directory";
import type { EffectiveAccessView } from "./schemas";

/**
 * The client applications an API's token validations accept, on any path or operation (ids
 * resolved from named values where they can be), with their names from the client directory.
 */
export async function clientApplicationsOf(
  access: ApiAccessPaths,
  namedValues: ScopeRead<NamedValue[]> | undefined,
): Promise<Pick<EffectiveAccessView, "clientApplications" | "directory" | "directoryProblem">> {
  const facts = namedValues?.state === "read" ? { namedValues: namedValues.value.map(namedValueFact) } : {};
  const appIds = [
    ...new Set(
      access.paths.flatMap(
        (path) =>
          accessColumns([path.pipeline, ...path.operations.map((operation) => operation.pipeline)], facts)
            .clientApplications,
      ),
    ),
  ];
  const directory = clientDirectory();
  const { names, problem } = await directory.displayNames(appIds);
  return {
    directory: directory.source,
    directoryProblem: problem,
    clientApplications: appIds.map((appId) => ({ appId, displayName: names.get(appId) ?? null })),
  };
}
