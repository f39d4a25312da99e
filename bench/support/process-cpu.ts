import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time used so far by other processes on this machine, read from Linux's /proc: the
 * benchmarks run Portcullis, the sandbox and PostgreSQL on the same two cores, so what the others
 * used in a run says how much of the machine Portcullis had. Null where /proc is not there.
 */
export interface OtherProcessesCpu {
  /** CPU milliseconds of the process `pid` (user and system), or null once it is gone. */
  ofProcess(pid: number): number | null;
  /** CPU milliseconds of every process named `name` (e.g. every PostgreSQL backend now alive). */
  ofProcessesNamed(name: string): number;
}

export function otherProcessesCpu(): OtherProcessesCpu | null {
  let ticksPerSecond: number;
  try {
    readFileSync("/proc/self/stat");
    ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  } catch {
    return null;
  }
  const cpuMs = (pid: string): number | null => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // The fields after the command name (which may hold spaces), in parentheses; utime and stime are the 14th and 15th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
    } catch {
      return null;
    }
  };
  return {
    ofProcess: (pid) => cpuMs(String(pid)),
    ofProcessesNamed(name) {
      let total = 0;
      for (const pid of readdirSync("/proc")) {
        if (!/^\d+$/.test(pid)) continue;
        let comm: string;
        try {
          comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
        } catch {
          continue;
        }
        if (comm === name) total += cpuMs(pid) ?? 0;
      }
      return total;
    },
  };
}
