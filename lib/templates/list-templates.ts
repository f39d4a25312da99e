import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import type { TemplateSummaryView } from "./schemas";
import { templateSummaryInclude, toTemplateSummary } from "./template-view";

/** Every profile template, by name, with its newest version and how many APIs follow it. */
export async function listTemplates(ctx: RequestContext): Promise<TemplateSummaryView[]> {
  await authorize(ctx, "config.read");
  const rows = await getDb().profileTemplate.findMany({ include: templateSummaryInclude, orderBy: { name: "asc" } });
  return rows.map(toTemplateSummary);
}
