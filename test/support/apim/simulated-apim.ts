import type { z } from "zod";
import type { faultRuleSchema } from "../../../sandbox/apim/faults/fault-rules";
import { startTestSimulator, type TestSimulator } from "../../../sandbox/apim/test-support/test-simulator";
import type { RequestLogEntry } from "../../../sandbox/apim/controls/request-log";
import { createApimClient, type ApimClientOptions } from "../../../lib/apim/apim-client";

/**
 * The local APIM simulator with our client pointed at it, for integration tests: the same
 * HTTPS, bearer token and ARM paths as production, plus the simulator's fault injection and
 * request log to count what the client really sent.
 */
/** A fault rule as `POST /_sandbox/faults` takes it (defaults may be left out). */
export type FaultRuleInput = z.input<typeof faultRuleSchema>;

export async function startSimulatedApim(simulatorOptions: Parameters<typeof startTestSimulator>[0] = {}) {
  const sim: TestSimulator = await startTestSimulator(simulatorOptions);
  const instance = () => ({
    subscriptionId: sim.simulator.subscriptionId,
    resourceGroup: sim.simulator.resourceGroup,
    serviceName: sim.simulator.serviceName,
    armEndpoint: sim.simulator.armEndpoint,
  });
  let seen = 0;
  const control = async (method: string, path: string, body?: unknown) => {
    const response = await sim.request(method, path, { body });
    if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${response.text}`);
    return response.json;
  };
  return {
    sim,
    /** Our client with a small, fast retry budget (tests wait milliseconds, not seconds). */
    client: (options: ApimClientOptions = {}) =>
      createApimClient(instance(), sim.credential, {
        pollIntervalMs: 10,
        ...options,
        retry: { baseDelayMs: 5, maxDelayMs: 20, maxRetryWaitMs: 5_000, ...options.retry },
      }),
    faults: (rules: FaultRuleInput[], seed?: number) => control("POST", "/_sandbox/faults", { rules, seed }),
    clearFaults: () => control("DELETE", "/_sandbox/faults"),
    /** ARM requests the simulator received since the previous call. */
    newRequests: async (): Promise<RequestLogEntry[]> => {
      const { requests, lastSeq } = (await control("GET", `/_sandbox/requests?since=${seen}`)) as {
        requests: RequestLogEntry[];
        lastSeq: number;
      };
      seen = lastSeq;
      return requests;
    },
    control,
    close: () => sim.close(),
  };
}

export type SimulatedApim = Awaited<ReturnType<typeof startSimulatedApim>>;
