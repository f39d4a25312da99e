import { resumeChangeSets } from "../change-sets/resume-change-sets";
import type { JobDefinition } from "./scheduler";

export const CHANGE_SET_RESUME_JOB = "change-set-resume";

/**
 * Every tick, resumes the change sets whose applying process stopped (lib/change-sets): their
 * lease expired, so this process claims and applies what is left. The runs go on after the job's
 * run returns, holding the set's own lease, so a long apply never holds up the other jobs.
 */
export const changeSetResumeJob: JobDefinition = {
  name: CHANGE_SET_RESUME_JOB,
  intervalMs: 10_000,
  leaseMs: 60_000,
  async run({ now }) {
    const runs = await resumeChangeSets(now);
    return { summary: runs.length === 0 ? "nothing to resume" : `resumed ${runs.length} change set(s)` };
  },
};
