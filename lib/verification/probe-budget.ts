/**
 * At most N probes a minute to one gateway, across every verification of this process: a probe
 * waits for a free slot of the sliding minute. A probe that would wait longer than a minute is
 * not sent (the budget is shared with other verifications running at the same time).
 */
import { getConfig } from "../env";

const sent = new Map<string, number[]>();
const WINDOW_MS = 60_000;

export async function takeProbeSlot(gateway: string, now: () => number = Date.now): Promise<boolean> {
  const limit = getConfig().verification.probesPerMinute;
  const deadline = now() + WINDOW_MS;
  for (;;) {
    const times = (sent.get(gateway) ?? []).filter((time) => time > now() - WINDOW_MS);
    sent.set(gateway, times);
    if (times.length < limit) {
      times.push(now());
      return true;
    }
    const wait = times[0]! + WINDOW_MS - now() + 1;
    if (now() + wait > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
