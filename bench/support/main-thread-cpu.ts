import { readFileSync } from "node:fs";

/**
 * CPU time of this process's main thread so far, in ms (Linux: the scheduler's on-CPU time of the
 * thread whose id is the process's), or null where /proc does not say. `process.cpuUsage` counts
 * every thread — V8's compiler and GC helpers, and the ARM client's HTTPS worker —, while what an
 * apply's waits queue behind is the main thread's event loop.
 */
export function mainThreadCpuMs(): number | null {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, "utf8").split(" ")[0]) / 1e6;
  } catch {
    return null;
  }
}
