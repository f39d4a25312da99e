import { randomUUID } from "node:crypto";
import { appendAuditEvent, auditedTransaction } from "../audit/append-audit-event";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { AppError } from "../errors";
import { parseInput } from "../validation";
import { createTemplateInputSchema, type TemplateSummaryView } from "./schemas";
import { auditedTemplate, templateSummaryInclude, toTemplateSummary } from "./template-view";

/**
 * Creates a profile template with its first version. The profile is checked with the access
 * profile schema as written (`${name}` variables allowed: each follower's environment resolves
 * them when its profile is saved). 409 when the name is taken.
 */
export async function createTemplate(ctx: RequestContext, input: unknown): Promise<TemplateSummaryView> {
  await authorize(ctx, "config.write");
  const { name, description, profile } = parseInput(createTemplateInputSchema, input, "profile template");
  const id = randomUUID();
  try {
    const row = await auditedTransaction(getDb(), async (tx) => {
      const created = await tx.profileTemplate.create({
        data: {
          id,
          name,
          description,
          createdBy: ctx.actor.name,
          versions: {
            create: {
              version: 1,
              profile: profile as Prisma.InputJsonValue,
              createdBy: ctx.actor.name,
              createdByOid: ctx.actor.oid,
            },
          },
        },
        include: templateSummaryInclude,
      });
      await appendAuditEvent(tx, {
        actor: ctx.actor,
        action: "template.create",
        target: { type: "profile_template", id },
        after: { ...auditedTemplate(created), version: 1, profile },
        outcome: "success",
        requestId: ctx.requestId,
        clientIp: ctx.clientIp,
      });
      return created;
    });
    return toTemplateSummary(row);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      throw new AppError("conflict", `A profile template named "${name}" already exists.`, {
        fields: [{ path: "name", message: "is taken by another template" }],
      });
    throw error;
  }
}
