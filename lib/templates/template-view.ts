import { isUuid } from "../apis/find-api";
import { parseStored } from "../db/parse-stored";
import type { Prisma } from "../db";
import { AppError } from "../errors";
import { writtenProfileSchema } from "../policy/profile-schema";
import type { TemplateSummaryView, TemplateVersionView } from "./schemas";

/** What every template read includes: its newest version and how many APIs follow it. */
export const templateSummaryInclude = {
  versions: { orderBy: { version: "desc" }, take: 1 },
  _count: { select: { followers: true } },
} satisfies Prisma.ProfileTemplateInclude;

type TemplateRow = Prisma.ProfileTemplateGetPayload<{ include: typeof templateSummaryInclude }>;

/** Loads a template with its newest version, or fails with a not_found the caller can show. */
export async function findTemplateOrThrow(tx: Prisma.TransactionClient, templateId: string): Promise<TemplateRow> {
  const template = isUuid(templateId)
    ? await tx.profileTemplate.findUnique({ where: { id: templateId }, include: templateSummaryInclude })
    : null;
  if (!template) throw new AppError("not_found", `There is no profile template with id ${templateId}.`);
  return template;
}

export function toTemplateSummary(row: TemplateRow): TemplateSummaryView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    // Created with version 1 in the same transaction, and versions are deleted only with it.
    latestVersion: row.versions[0]!.version,
    followers: row._count.followers,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
  };
}

export function toTemplateVersion(row: {
  templateId: string;
  version: number;
  profile: unknown;
  createdAt: Date;
  createdBy: string;
}): TemplateVersionView {
  return {
    version: row.version,
    profile: storedTemplateProfile(row),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
  };
}

export function storedTemplateProfile(row: { templateId: string; version: number; profile: unknown }) {
  return parseStored(writtenProfileSchema, row.profile, {
    record: `version ${row.version} of profile template ${row.templateId}`,
    field: "profile",
  });
}

/** What an audit event keeps of a template (never more than admins typed: names and identifiers). */
export function auditedTemplate(row: { name: string; description: string }) {
  return { name: row.name, description: row.description };
}
