import type { AccessProfile } from "../policy/profile-schema";
import { findApiOrThrow } from "../apis/find-api";
import { authorize } from "../auth/authorize";
import type { RequestContext } from "../auth/request-context";
import { getDb } from "../db";
import { AppError } from "../errors";
import { profileEtag } from "./profile-etag";
import type { TemplateOrigin } from "./schemas";
import { storedProfile, storedTemplateOrigin, storedWrittenProfile } from "./stored-profile";

export interface AccessProfileView {
  apiId: string;
  version: number;
  profile: AccessProfile;
  /** Plans take over the live policy's hand-written statements while it has no managed block. */
  adoptsHandWritten: boolean;
  /** The profile as written, with its `${name}` variables; null when it has none. */
  written: AccessProfile | null;
  /** The template version it was saved from; null when written by hand. */
  template: TemplateOrigin | null;
  etag: string;
  createdAt: string;
  createdBy: string;
}

/**
 * The current (highest) version of an API's access profile, and whether APIM has it: a plan of
 * this version was applied, or found nothing to write. `portcullis plan` compares its files with
 * this version, and plans again one saved (by an earlier plan) but not applied yet.
 */
export async function getAccessProfile(
  ctx: RequestContext,
  input: { apiId: string },
): Promise<AccessProfileView & { applied: boolean }> {
  await authorize(ctx, "config.read");
  const db = getDb();
  await findApiOrThrow(db, input.apiId);
  const current = await db.accessProfileVersion.findFirst({
    where: { apiId: input.apiId },
    orderBy: { version: "desc" },
    include: {
      plans: {
        where: { OR: [{ deployments: { some: { status: "succeeded" } } }, { operations: { equals: [] } }] },
        select: { id: true },
        take: 1,
      },
    },
  });
  if (!current) throw new AppError("not_found", "This API has no access profile yet.");
  const { plans, ...version } = current;
  return { ...toView(version), applied: plans.length > 0 };
}

export function toView(row: {
  apiId: string;
  version: number;
  profile: unknown;
  adoptsHandWritten: boolean;
  written: unknown;
  template: unknown;
  createdAt: Date;
  createdBy: string;
}): AccessProfileView {
  return {
    apiId: row.apiId,
    version: row.version,
    profile: storedProfile(row),
    adoptsHandWritten: row.adoptsHandWritten,
    written: storedWrittenProfile(row),
    template: storedTemplateOrigin(row),
    etag: profileEtag(row.version),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
  };
}
