import type { RequestLogEntry } from "../../../sandbox/apim/controls/request-log";

/** Most ARM requests the simulator was handling at the same time, from its request log. */
export function peakConcurrency(requests: RequestLogEntry[]): number {
  const edges = requests.flatMap((request) => {
    const start = Date.parse(request.startedAt);
    return [
      { at: start, delta: 1 },
      { at: start + request.durationMs, delta: -1 },
    ];
  });
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let peak = 0;
  for (const edge of edges) peak = Math.max(peak, (current += edge.delta));
  return peak;
}
