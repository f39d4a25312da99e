import { validateAccessProfile, type AccessProfile } from "../lib/policy";
import { InputError, readJsonFile, type CliIo } from "./cli-io";

/** An access profile JSON file, validated; bad fields are named in one line. */
export async function readProfileFile(io: CliIo, path: string): Promise<AccessProfile> {
  const validation = validateAccessProfile(await readJsonFile(io, path, "profile"));
  if (!validation.ok)
    throw new InputError(
      `invalid profile ${path}: ${validation.issues.map((issue) => `${issue.path} ${issue.message}`).join("; ")}`,
    );
  return validation.profile;
}
