import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of processes on this machine, read from Linux's /proc: the benchmarks run Portcullis,
 * the sandbox and PostgreSQL on the same two cores, so what the others used in a run says how much
 * of the machine Portcullis had.
 */

/** What /proc/<pid>/stat says of a process that the benchmarks use. */
export interface ProcessStat {
  /** Its command name (e.g. `postgres`, `node`). */
  command: string;
  parentPid: number;
  /** CPU milliseconds so far, user and system. */
  cpuMs: number;
}

let ticksPerSecond: number | undefined;

/** The process `pid` as /proc says now, or null once it is gone (or where there is no /proc). */
export function processStat(pid: number): ProcessStat | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
  // The command name is in parentheses and may hold spaces; the fields after it start with the state.
  const command = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime are the 14th and 15th fields of the line, the 12th and 13th after the name.
  return {
    command,
    parentPid: Number(fields[1]),
    cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond,
  };
}

/** Every process now alive, by pid (none where there is no /proc). */
export function processStats(): Map<number, ProcessStat> {
  const stats = new Map<number, ProcessStat>();
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return stats;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = processStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  return stats;
}

/** CPU milliseconds so far of every process whose command is `command` (e.g. every PostgreSQL process alive). */
export function cpuOfProcessesNamed(command: string): number {
  let total = 0;
  for (const stat of processStats().values()) if (stat.command === command) total += stat.cpuMs;
  return total;
}
