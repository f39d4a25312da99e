import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRecording, rehome, type RecordedExchange } from "./test-support/recordings";
import { startTestSimulator, type TestSimulator } from "./test-support/test-simulator";

/**
 * Replays the real sessions in __fixtures__/recordings against an empty simulator, in
 * order: each request as recorded, each answer compared on status, the headers that
 * matter (ETag form and identity, Location of a 202, rate-limit and request ids) and the
 * body, field for field (ids re-homed to the simulator's service): nothing missing, nothing
 * extra — a secret value the recording does not show must not be there.
 *
 * Adjustments, each a documented difference: the recordings used api-version 2021-08-01,
 * which the simulator does not serve, so 2022-08-01 is sent; a poll or a nextLink follows
 * the simulator's own Location/nextLink; and the 2021-08-01 policy came back indented
 * with tabs where the 2022-08-01+ examples (which the simulator follows) use two spaces.
 */
let sim: TestSimulator;

beforeEach(async () => {
  sim = await startTestSimulator({ seed: false });
});

afterEach(async () => {
  await sim.close();
});

interface Replay {
  /** Recorded URL (path + query) → the simulator's equivalent, from Location and nextLink. */
  links: Map<string, string>;
  /** Recorded ETag → the simulator's, to check that equal stays equal and different stays different. */
  etags: Map<string, string>;
}

async function replay(
  exchanges: RecordedExchange[],
  state: Replay,
  adjust: (expected: unknown) => unknown = (expected) => expected,
): Promise<void> {
  for (const [index, exchange] of exchanges.entries()) {
    const step = `${exchange.method} ${exchange.uri.pathname.split("/service/")[1]} (#${index})`;
    const answer = await sim.request(exchange.method, ourPath(exchange, state), {
      apiVersion: null,
      body: exchange.body,
      headers: exchange.ifMatch === undefined ? {} : { "If-Match": exchange.ifMatch },
    });
    expect(answer.status, step).toBe(exchange.status);

    const recordedEtag = exchange.headers.etag;
    if (recordedEtag !== undefined) {
      const ours = answer.headers.get("etag") as string;
      expect(ours, step).toMatch(/^"[A-Za-z0-9+/]{11}="$/);
      const known = state.etags.get(recordedEtag);
      if (known === undefined) expect([...state.etags.values()], `${step}: a new ETag`).not.toContain(ours);
      else expect(ours, `${step}: the same ETag as before`).toBe(known);
      state.etags.set(recordedEtag, ours);
    }
    const recordedLocation = exchange.headers.location;
    if (recordedLocation !== undefined) {
      const ours = answer.headers.get("location") as string;
      const asyncCode = new URL(recordedLocation).searchParams.get("asyncCode");
      expect(ours, step).toMatch(
        new RegExp(
          `^${sim.simulator.armEndpoint}${sim.base}/[^?]+\\?api-version=2022-08-01&asyncId=[0-9a-f]{24}&asyncCode=${asyncCode}$`,
        ),
      );
      state.links.set(pathAndQuery(recordedLocation), pathAndQuery(ours));
    }
    for (const header of Object.keys(exchange.headers).filter(
      (name) =>
        name.startsWith("x-ms-ratelimit-remaining-") ||
        name === "x-ms-request-id" ||
        name === "x-ms-correlation-request-id",
    )) {
      expect(answer.headers.get(header), `${step}: ${header}`).toMatch(/\S/);
    }

    if (exchange.response === undefined) {
      expect(answer.text, step).toBe("");
      continue;
    }
    const { nextLink: recordedNext, ...expected } = rehome(adjust(exchange.response), sim.base) as {
      nextLink?: string;
    };
    const { nextLink: ourNext, ...actual } = answer.json as { nextLink?: string };
    expect(actual, step).toEqual(expected);
    expect(ourNext === undefined, `${step}: nextLink`).toBe(recordedNext === undefined);
    if (recordedNext !== undefined && ourNext !== undefined) {
      expect(pathAndQuery(ourNext), step).toBe(
        pathAndQuery(recordedNext).replace("api-version=2021-08-01", "api-version=2022-08-01"),
      );
      state.links.set(pathAndQuery(recordedNext), pathAndQuery(ourNext));
    }
  }
}

function ourPath(exchange: RecordedExchange, state: Replay): string {
  const followed = state.links.get(exchange.uri.pathname + exchange.uri.search);
  if (followed !== undefined) return followed;
  const query = new URLSearchParams(exchange.uri.search);
  query.set("api-version", "2022-08-01");
  return `${rehome(exchange.uri.pathname, sim.base) as string}?${query.toString()}`;
}

function pathAndQuery(url: string): string {
  const parsed = new URL(url);
  return rehome(parsed.pathname, sim.base) + parsed.search;
}

const fresh = (): Replay => ({ links: new Map(), etags: new Map() });

describe("recorded sessions", () => {
  it("replays the Azure CLI named value session: 202 + Location, polls to 201/200, secrets only via listValue", async () => {
    await replay(readRecording("azure-cli__test_apim_named_value.yaml"), fresh());
  });

  it("replays the Azure CLI API and API policy session: re-serialised policy, same ETag for an identical PUT", async () => {
    const tabsToSpaces = (expected: unknown) => JSON.parse(JSON.stringify(expected).replace(/\\t/g, "  ")) as unknown;
    await replay(readRecording("azure-cli__test_apim_api_policy.yaml"), fresh(), tabsToSpaces);
  });

  it("replays the azure-sdk-for-js backend sessions: create 201, list with $top and nextLink, delete with If-Match *", async () => {
    const state = fresh();
    await replay(readRecording("azure-sdk-for-js__recording_backend_create_test1.json"), state);
    // The list session starts with a second backend the create session did not record.
    const second = await sim.request("PUT", "/backends/sfbackend2", {
      apiVersion: "2022-08-01",
      body: {
        properties: { description: "Service Fabric Test App 1", url: "https://backendname26442", protocol: "http" },
      },
    });
    expect(second.status).toBe(201);
    await replay(readRecording("azure-sdk-for-js__recording_backend_list_test.json"), state);
    await replay(readRecording("azure-sdk-for-js__recording_backend_delete_test.json"), state);
  });
});
