"use client";

import { useEffect, useState } from "react";
import { DateTime } from "@/components/ui/date-time";

/**
 * Time left until `until` (a rotation's grace period, a pending change's expiry), in words, next
 * to the exact time. `now` is the server's, so the first rendering matches. It updates every 30 s
 * without announcing each tick (no live region): the absolute time is what a screen reader user
 * needs, and it is always there. Without JavaScript the server's rendering is shown.
 */
export function TimeLeft({ until, now }: { until: string; now: string }) {
  const [current, setCurrent] = useState(() => new Date(now).getTime());
  useEffect(() => {
    const timer = setInterval(() => setCurrent(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const left = new Date(until).getTime() - current;
  return (
    <span>
      {left > 0 ? `${describe(left)} left` : "ended"} (until <DateTime value={until} />)
    </span>
  );
}

function describe(ms: number): string {
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `${hours} hour${hours === 1 ? "" : "s"}${rest > 0 ? ` ${rest} minute${rest === 1 ? "" : "s"}` : ""}`;
}
