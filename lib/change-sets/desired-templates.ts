import { getDb } from "../db";
import { AppError, type FieldIssue } from "../errors";
import type { AccessProfile } from "../policy/profile-schema";
import type { TemplateOrigin, TemplateReference } from "../profiles/schemas";
import { storedTemplateProfile } from "../templates/template-view";

/**
 * What one API of a profiles set gets: its profile as written; the template version it is
 * (recorded on a version saved from it); and what it follows afterwards: a template's id, null
 * (none), or undefined (as it is).
 */
export interface ResolvedProfile {
  apiId: string;
  profile: AccessProfile;
  adopt?: boolean;
  template?: TemplateOrigin;
  follow?: string | null;
}

/**
 * Resolves the `template` of each desired profile (POST /change-sets `profiles`, as `portcullis
 * plan` sends its files) to the template version's profile as written, read in one query. A
 * template no one has, or a version it does not have, refuses the request naming each field
 * (`profiles[i].template.name`, `….version`): nothing is saved or planned.
 */
export async function resolveDesiredTemplates(
  profiles: ReadonlyArray<{
    apiId: string;
    profile?: AccessProfile;
    template?: TemplateReference | null;
    adopt?: boolean;
  }>,
): Promise<ResolvedProfile[]> {
  const names = [...new Set(profiles.flatMap(({ template }) => (template ? [template.name] : [])))];
  const templates =
    names.length === 0
      ? []
      : await getDb().profileTemplate.findMany({
          where: { name: { in: names } },
          include: { versions: { orderBy: { version: "desc" } } },
        });
  const fields: FieldIssue[] = [];
  const resolved = profiles.map(({ apiId, profile, template: reference, adopt }, index): ResolvedProfile | null => {
    const base = { apiId, ...(adopt === undefined ? {} : { adopt }) };
    if (!reference) return { ...base, profile: profile!, ...(reference === null ? { follow: null } : {}) };
    const path = `profiles[${index}].template`;
    const template = templates.find((candidate) => candidate.name === reference.name);
    if (!template) {
      fields.push({ path: `${path}.name`, message: `there is no profile template named "${reference.name}"` });
      return null;
    }
    const latest = template.versions[0]!.version;
    const row = template.versions.find((version) =>
      reference.version === "latest" ? version.version === latest : version.version === reference.version,
    );
    if (!row) {
      fields.push({
        path: `${path}.version`,
        message: `template "${template.name}" has versions 1 to ${latest} (or "latest")`,
      });
      return null;
    }
    return {
      ...base,
      profile: storedTemplateProfile(row),
      template: { id: template.id, name: template.name, version: row.version },
      follow: template.id,
    };
  });
  if (fields.length > 0)
    throw new AppError(
      "bad_request",
      `The change set is not valid: ${fields.map((field) => `${field.path} ${field.message}`).join("; ")}.`,
      { fields },
    );
  return resolved as ResolvedProfile[];
}
