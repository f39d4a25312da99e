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

/**
 * The machine's CPU time so far by what it went to, in ticks, from the first line of /proc/stat:
 * busy (user, nice, system, irq, softirq), idle (idle, iowait) and stolen — time the hypervisor
 * gave the machine's virtual CPUs to someone else. On a shared host steal is what a benchmark
 * cannot see from inside its processes: a run with a quarter of the machine stolen is slower for
 * reasons no change to Portcullis explains. Null where there is no /proc.
 */
export interface MachineCpu {
  busy: number;
  idle: number;
  steal: number;
}

export function machineCpu(): MachineCpu | null {
  try {
    return parseMachineCpu(readFileSync("/proc/stat", "utf8"));
  } catch {
    return null;
  }
}

/** The `cpu` line of /proc/stat's text: `cpu user nice system idle iowait irq softirq steal guest guest_nice`. */
export function parseMachineCpu(procStat: string): MachineCpu {
  const line = procStat.split("\n").find((candidate) => candidate.startsWith("cpu "));
  if (line === undefined) throw new Error("/proc/stat has no cpu line");
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .map((field) => Number(field));
  // guest and guest_nice are counted in user and nice already, so they are not added again.
  return {
    busy: user! + nice! + system! + irq! + softirq!,
    idle: idle! + iowait!,
    steal: steal ?? 0,
  };
}

/** What share of the machine's CPU time between two readings was stolen, busy and idle, in per cent. */
export function machineCpuShares(before: MachineCpu, after: MachineCpu): MachineCpu {
  const busy = after.busy - before.busy;
  const idle = after.idle - before.idle;
  const steal = after.steal - before.steal;
  const total = busy + idle + steal;
  if (total <= 0) return { busy: 0, idle: 0, steal: 0 };
  return { busy: (100 * busy) / total, idle: (100 * idle) / total, steal: (100 * steal) / total };
}

/** `; the machine's CPU: busy …, idle …, stolen …` between two readings, or nothing where there is no /proc. */
export function machineCpuLine(before: MachineCpu | null, after: MachineCpu | null): string {
  if (!before || !after) return "";
  const shares = machineCpuShares(before, after);
  return `; the machine's CPU: busy ${shares.busy.toFixed(0)} %, idle ${shares.idle.toFixed(0)} %, stolen ${shares.steal.toFixed(0)} %`;
}
