"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the page from the server every second while work runs (a deployment's steps, a
 * Verify-all batch), so results appear as they finish. Without JavaScript a meta refresh every
 * two seconds does the same.
 */
export function RefreshWhileRunning({ running }: { running: boolean }) {
  const router = useRouter();
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => router.refresh(), 1000);
    return () => clearInterval(timer);
  }, [running, router]);
  return running ? (
    <noscript>
      <meta httpEquiv="refresh" content="2" />
    </noscript>
  ) : null;
}
