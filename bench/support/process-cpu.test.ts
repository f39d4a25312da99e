import { describe, expect, it } from "vitest";
import {
  cpuOfProcessesNamed,
  machineCpu,
  machineCpuLine,
  machineCpuShares,
  parseMachineCpu,
  processStat,
  processStats,
} from "./process-cpu";

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

describe("the machine's CPU from /proc/stat", () => {
  // Read off a 2-vCPU virtual machine under a noisy host: user nice system idle iowait irq softirq steal guest guest_nice.
  const earlier =
    "cpu  34121 748 4630 65186 1676 0 1080 7411 0 0\ncpu0 17000 300 2300 32000 800 0 500 3700 0 0\nintr 1\n";
  const later =
    "cpu  37279 748 4918 67744 2036 0 1200 9902 0 0\ncpu0 18000 300 2400 33000 900 0 560 4900 0 0\nintr 2\n";

  it("counts busy, idle and stolen ticks from the line of all CPUs, not one CPU's", () => {
    expect(parseMachineCpu(earlier)).toEqual({ busy: 34121 + 748 + 4630 + 1080, idle: 65186 + 1676, steal: 7411 });
  });

  it("says what share of the time between two readings was stolen, busy and idle", () => {
    // busy 3158 + 288 + 120 = 3566, idle 2558 + 360 = 2918, stolen 2491: 8975 ticks in all.
    const shares = machineCpuShares(parseMachineCpu(earlier), parseMachineCpu(later));
    expect(shares.busy).toBeCloseTo((100 * 3566) / 8975, 6);
    expect(shares.idle).toBeCloseTo((100 * 2918) / 8975, 6);
    expect(shares.steal).toBeCloseTo((100 * 2491) / 8975, 6);
    expect(machineCpuLine(parseMachineCpu(earlier), parseMachineCpu(later))).toBe(
      "; the machine's CPU: busy 40 %, idle 33 %, stolen 28 %",
    );
    // Where /proc cannot be read, a run's line says nothing of the machine.
    expect(machineCpuLine(null, parseMachineCpu(later))).toBe("");
  });

  it("counts no steal on a kernel that does not report it, and refuses text without the line", () => {
    expect(parseMachineCpu("cpu  10 0 5 100 1 0 2\n")).toEqual({ busy: 17, idle: 101, steal: 0 });
    expect(() => parseMachineCpu("intr 1\n")).toThrow("no cpu line");
  });

  it("gives zero shares when no time passed", () => {
    expect(machineCpuShares(parseMachineCpu(earlier), parseMachineCpu(earlier))).toEqual({
      busy: 0,
      idle: 0,
      steal: 0,
    });
  });

  it.runIf(process.platform === "linux")("reads this machine, whose counters only grow", () => {
    const before = machineCpu()!;
    spin(50);
    const after = machineCpu()!;
    expect(after.busy).toBeGreaterThanOrEqual(before.busy);
    expect(after.busy + after.idle + after.steal).toBeGreaterThan(before.busy + before.idle + before.steal);
  });
});
