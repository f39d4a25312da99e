import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { otherProcessesCpu } from "./process-cpu";

/** Burns this process's CPU for `ms` of wall time. */
function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe.runIf(process.platform === "linux")("otherProcessesCpu", () => {
  it("reads a process's CPU time, which grows as it works", () => {
    const cpu = otherProcessesCpu()!;
    const before = cpu.ofProcess(process.pid)!;
    spin(300);
    const after = cpu.ofProcess(process.pid)!;
    // At least a third of the spin, even on a loaded machine (ticks are 10 ms).
    expect(after - before).toBeGreaterThanOrEqual(100);
    // Within what /proc/self says through Node's own account, to a tick or two.
    const { user, system } = process.cpuUsage();
    expect(Math.abs(after - (user + system) / 1000)).toBeLessThan(100);
  });

  it("adds up the processes of one name, and answers null for a process that is gone", () => {
    const cpu = otherProcessesCpu()!;
    const ownName = readFileSync("/proc/self/comm", "utf8").trim();
    expect(cpu.ofProcessesNamed(ownName)).toBeGreaterThanOrEqual(cpu.ofProcess(process.pid)!);
    expect(cpu.ofProcessesNamed("no-such-process-name")).toBe(0);
    expect(cpu.ofProcess(2 ** 22 + 1)).toBeNull();
  });
});
