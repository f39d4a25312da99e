import { describe, expect, it } from "vitest";
import { cpuOfProcessesNamed, processStat, processStats } from "./process-cpu";

/** Burns this process's CPU for `ms` of wall time. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe.runIf(process.platform === "linux")("process CPU from /proc", () => {
  it("reads a process's CPU time, which grows as it works, and its name and parent", () => {
    const before = processStat(process.pid)!;
    spin(300);
    const after = processStat(process.pid)!;
    // At least a third of the spin, even on a loaded machine (ticks are 10 ms).
    expect(after.cpuMs - before.cpuMs).toBeGreaterThanOrEqual(100);
    // What Node's own account says, to a tick or two.
    const { user, system } = process.cpuUsage();
    expect(Math.abs(after.cpuMs - (user + system) / 1000)).toBeLessThan(100);
    expect(after.parentPid).toBe(process.ppid);
    expect(processStats().get(process.pid)?.command).toBe(after.command);
  });

  it("adds up the processes of one name, and answers null for a process that is gone", () => {
    const own = processStat(process.pid)!;
    expect(cpuOfProcessesNamed(own.command)).toBeGreaterThanOrEqual(own.cpuMs);
    expect(cpuOfProcessesNamed("no-such-process")).toBe(0);
    expect(processStat(2 ** 22 + 1)).toBeNull();
  });
});
