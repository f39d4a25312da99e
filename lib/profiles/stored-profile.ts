import { parseStored } from "../db/parse-stored";
import { accessProfileSchema, writtenProfileSchema, type AccessProfile } from "../policy/profile-schema";
import { templateOriginSchema, type TemplateOrigin } from "./schemas";

/** A saved access profile version's profile, parsed as read back from the database. */
export function storedProfile(row: { apiId: string; version: number; profile: unknown }): AccessProfile {
  return parseStored(accessProfileSchema, row.profile, {
    record: `access profile version ${row.version} of API ${row.apiId}`,
    field: "profile",
  });
}

/** A version's profile as written, with its `${name}` variables; null when it had none. */
export function storedWrittenProfile(row: { apiId: string; version: number; written: unknown }): AccessProfile | null {
  if (row.written === null) return null;
  return parseStored(writtenProfileSchema, row.written, {
    record: `access profile version ${row.version} of API ${row.apiId}`,
    field: "written",
  });
}

/** The template version a version was saved from; null when written by hand. */
export function storedTemplateOrigin(row: {
  apiId: string;
  version: number;
  template: unknown;
}): TemplateOrigin | null {
  if (row.template === null) return null;
  return parseStored(templateOriginSchema, row.template, {
    record: `access profile version ${row.version} of API ${row.apiId}`,
    field: "template",
  });
}
