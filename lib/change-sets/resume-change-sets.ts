import { systemContext } from "../auth/system-context";
import { getDb } from "../db";
import { findUnheldChangeSets } from "./change-set-lease";
import { runChangeSet } from "./run-change-set";

/**
 * Resumes the change sets a process stopped applying (their lease expired): Portcullis applies
 * what is left of each, in this process. Returns the runs started, which never reject; the
 * scheduler does not wait for them (a set may take minutes).
 */
export async function resumeChangeSets(now: Date): Promise<Array<Promise<void>>> {
  const ids = await findUnheldChangeSets(getDb(), now);
  return ids.map((id) => runChangeSet(systemContext(), id));
}
