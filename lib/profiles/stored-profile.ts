import { parseStored } from "../db/parse-stored";
import { accessProfileSchema, type AccessProfile } from "../policy/profile-schema";

/** A saved access profile version's profile, parsed as read back from the database. */
export function storedProfile(row: { apiId: string; version: number; profile: unknown }): AccessProfile {
  return parseStored(accessProfileSchema, row.profile, {
    record: `access profile version ${row.version} of API ${row.apiId}`,
    field: "profile",
  });
}
