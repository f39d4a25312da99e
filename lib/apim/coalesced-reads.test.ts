import { afterEach, describe, expect, it } from "vitest";
import { fakeArm, servicePath, staticCredential, testInstance } from "../../test/support/apim/fake-arm";
import { AppError } from "../errors";
import type { ApimClient } from "./apim-client";
import type { ArmCallOptions, ArmResult } from "./call/arm-call";
import { apimClientForInstance, configureApimClients } from "./client-for-instance";
import { withCoalescedReads } from "./coalesced-reads";
import { ScopeReader } from "./scopes/scope-read";
import { appErrorOf } from "../../test/support/app-error";

/** A call the stub client received, answered when the test says so. */
interface HeldCall {
  method: string;
  args: unknown[];
  call: ArmCallOptions;
  answer: (value: unknown) => void;
  fail: (error: unknown) => void;
}

/** An ApimClient whose every operation waits for the test to answer it. */
function heldClient() {
  const calls: HeldCall[] = [];
  const held =
    (method: string) =>
    (...args: unknown[]) =>
      new Promise<ArmResult<unknown>>((resolve, reject) => {
        const call = (args.at(-1) ?? {}) as ArmCallOptions;
        calls.push({
          method,
          args,
          call,
          answer: (value) =>
            resolve({
              value,
              trace: {
                correlationId: call.correlationId ?? "none",
                requestIds: [`req-${calls.length}`],
                status: 200,
                etag: null,
                attempts: 1,
              },
            }),
          fail: reject,
        });
      });
  const methods = [
    "getService",
    "getScopePolicy",
    "listNamedValues",
    "listPlainNamedValues",
    "listBackends",
    "putNamedValue",
    "deleteNamedValue",
    "refreshNamedValueSecret",
    "putBackend",
    "deleteBackend",
    "getApiPolicy",
  ];
  const client = {
    instance: testInstance,
    ...Object.fromEntries(methods.map((method) => [method, held(method)])),
  } as unknown as ApimClient;
  const of = (method: string) => calls.filter((call) => call.method === method);
  return { client, calls, of };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const coalesced = (client: ApimClient, options: { joinWindowMs?: number; now?: () => number } = {}) =>
  withCoalescedReads(client, { callTimeoutMs: 120_000, ...options });

describe("withCoalescedReads", () => {
  it("gives a read made while an identical one is in flight that one's answer, and its trace marked joined", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    const first = apim.getService({ correlationId: "plan-1" });
    const second = apim.getService({ correlationId: "plan-2" });
    const third = apim.getService();
    expect(of("getService")).toHaveLength(1);
    expect(of("getService")[0]!.call.correlationId).toBe("plan-1");
    of("getService")[0]!.answer({ gatewayUrl: "https://gw", identity: { type: "None" } });
    const [a, b, c] = await Promise.all([first, second, third]);
    expect(b.value).toBe(a.value);
    expect(c.value).toBe(a.value);
    expect(a.trace.joined).toBeUndefined();
    // The trace is the request that answered: the starter's correlation id and request ids.
    expect(b.trace).toEqual({ ...a.trace, joined: true });
    expect(b.trace.correlationId).toBe("plan-1");
  });

  it("keeps nothing once the answer has arrived: the next read sends again", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    const first = apim.listNamedValues();
    of("listNamedValues")[0]!.answer([]);
    await first;
    const second = apim.listNamedValues();
    expect(of("listNamedValues")).toHaveLength(2);
    of("listNamedValues")[1]!.answer([]);
    expect((await second).trace.joined).toBeUndefined();
  });

  it("lets a caller join only within the join window of the flight's start", async () => {
    const { client, of } = heldClient();
    let clock = 0;
    const apim = coalesced(client, { joinWindowMs: 1_000, now: () => clock });
    const first = apim.listBackends();
    clock = 1_000;
    const inWindow = apim.listBackends();
    clock = 1_001;
    // A shorter timeout: the flight's deadline would allow it, the window does not.
    const late = apim.listBackends({ timeoutMs: 5_000 });
    const afterLate = apim.listBackends({ timeoutMs: 5_000 });
    expect(of("listBackends")).toHaveLength(2);
    of("listBackends")[0]!.answer(["old"]);
    of("listBackends")[1]!.answer(["new"]);
    expect((await first).value).toEqual(["old"]);
    expect((await inWindow).value).toEqual(["old"]);
    expect((await late).value).toEqual(["new"]);
    expect((await afterLate).value).toEqual(["new"]);
  });

  it("shares only the global policy among the scopes' policies", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    void apim.getScopePolicy({ kind: "service" });
    void apim.getScopePolicy({ kind: "service" });
    void apim.getScopePolicy({ kind: "api", apiName: "a" });
    void apim.getScopePolicy({ kind: "api", apiName: "a" });
    void apim.getScopePolicy({ kind: "product", productName: "p" });
    void apim.getScopePolicy({ kind: "product", productName: "p" });
    void apim.getApiPolicy("a");
    void apim.getApiPolicy("a");
    expect(of("getScopePolicy").map((call) => (call.args[0] as { kind: string }).kind)).toEqual([
      "service",
      "api",
      "api",
      "product",
      "product",
    ]);
    expect(of("getApiPolicy")).toHaveLength(2);
  });

  it("after a write of named values or backends starts and ends, a read never joins a flight sent before it", async () => {
    const writeMethods = [
      "putNamedValue",
      "deleteNamedValue",
      "refreshNamedValueSecret",
      "putBackend",
      "deleteBackend",
    ];
    const namedValueReads = ["listNamedValues", "listPlainNamedValues"] as const;
    for (const [write, reads] of [
      [
        (apim: ApimClient) => apim.putNamedValue("nv", { displayName: "nv", value: "v", secret: true }, "absent"),
        namedValueReads,
      ],
      [(apim: ApimClient) => apim.deleteNamedValue("nv", { etag: '"e"' }), namedValueReads],
      [(apim: ApimClient) => apim.refreshNamedValueSecret("nv"), namedValueReads],
      [(apim: ApimClient) => apim.putBackend("b", { url: "https://b", protocol: "http" }, "absent"), ["listBackends"]],
      [(apim: ApimClient) => apim.deleteBackend("b", { etag: '"e"' }), ["listBackends"]],
    ] as const) {
      for (const read of reads) {
        const { client, of } = heldClient();
        const apim = coalesced(client);
        const readNow = () => (apim[read] as (call?: ArmCallOptions) => Promise<ArmResult<unknown>>)();
        const before = readNow(); // in flight when the write starts
        const joinedBefore = readNow();
        expect(of(read)).toHaveLength(1);
        const writing = write(apim);
        const during = readNow(); // after the write started: not the flight sent before it
        expect(of(read)).toHaveLength(2);
        for (const method of writeMethods) for (const call of of(method)) call.answer({});
        await writing;
        const after = readNow(); // after the write ended: not the flight sent while it ran either
        expect(of(read)).toHaveLength(3);
        of(read).forEach((call, index) => call.answer([`flight ${index}`]));
        const values = (await Promise.all([before, joinedBefore, during, after])).map((result) => result.value);
        expect(values).toEqual([["flight 0"], ["flight 0"], ["flight 1"], ["flight 2"]]);
      }
    }
  });

  it("drops the flight also when the write fails", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    const writing = apim.putBackend("b", { url: "https://b", protocol: "http" }, "absent");
    const during = apim.listBackends();
    of("putBackend")[0]!.fail(new AppError("unavailable", "lost answer"));
    await expect(writing).rejects.toThrow("lost answer");
    const after = apim.listBackends();
    expect(of("listBackends")).toHaveLength(2);
    for (const call of of("listBackends")) call.answer([]);
    await Promise.all([during, after]);
  });

  it("does not drop the flights of other kinds on a write", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    void apim.listNamedValues();
    void apim.getService();
    void apim.putBackend("b", { url: "https://b", protocol: "http" }, "absent");
    void apim.listNamedValues();
    void apim.getService();
    expect(of("listNamedValues")).toHaveLength(1);
    expect(of("getService")).toHaveLength(1);
  });

  it("runs the shared request under no caller's signal: one caller's abort leaves the others their answer", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    const leaving = new AbortController();
    const first = apim.listNamedValues({ signal: leaving.signal });
    const second = apim.listNamedValues();
    const shared = of("listNamedValues")[0]!;
    expect(shared.call.signal).not.toBe(leaving.signal);
    const reason = new Error("the caller went away");
    leaving.abort(reason);
    await expect(first).rejects.toBe(reason);
    expect(shared.call.signal!.aborted).toBe(false);
    shared.answer([{ name: "nv" }]);
    expect((await second).value).toEqual([{ name: "nv" }]);
  });

  it("aborts the shared request when every caller has gone, and the next read sends again", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    const one = new AbortController();
    const two = new AbortController();
    const first = apim.getService({ signal: one.signal });
    const second = apim.getService({ signal: two.signal });
    one.abort(new Error("one"));
    await expect(first).rejects.toThrow("one");
    expect(of("getService")[0]!.call.signal!.aborted).toBe(false);
    two.abort(new Error("two"));
    await expect(second).rejects.toThrow("two");
    expect(of("getService")[0]!.call.signal!.aborted).toBe(true);
    void apim.getService();
    expect(of("getService")).toHaveLength(2);
  });

  it("rejects an already aborted caller without sending", async () => {
    const { client, calls } = heldClient();
    const apim = coalesced(client);
    const reason = new Error("already gone");
    await expect(apim.getService({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(calls).toEqual([]);
  });

  /** A caller's own timeout: nothing it can say of the shared request, which goes on for others. */
  const timedOutDetails = (correlationId: string) => ({
    status: null,
    correlationId,
    requestIds: [],
    attempts: 0,
    mayHaveLanded: false,
  });

  it("times each caller out on its own timeout while the others keep waiting", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    const patient = apim.listBackends({ correlationId: "patient" });
    const error = await appErrorOf(apim.listBackends({ timeoutMs: 5 }));
    expect(error.code).toBe("unavailable");
    expect(error.message).toMatch(/within 5 ms/);
    // It joined the patient caller's read and sent nothing itself.
    expect(error.details).toEqual({ ...timedOutDetails("patient"), joined: true });
    const shared = of("listBackends")[0]!;
    expect(shared.call.signal!.aborted).toBe(false);
    // The shared call's own timeout: the starter's (the default) plus the join window.
    expect(shared.call.timeoutMs).toBe(121_000);
    shared.answer([]);
    expect((await patient).value).toEqual([]);
  });

  it("times out the caller that started a read without marking it joined", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    const error = await appErrorOf(apim.listBackends({ correlationId: "starter", timeoutMs: 5 }));
    expect(error.message).toMatch(/within 5 ms/);
    expect(error.details).toEqual(timedOutDetails("starter"));
    // Nobody waits for it any more: the shared read stops.
    expect(of("listBackends")[0]!.call.signal!.aborted).toBe(true);
  });

  it("does not let a caller join a flight that would time out before the caller's own deadline", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    void apim.listBackends({ timeoutMs: 1_000 }).catch(() => undefined);
    void apim.listBackends({ timeoutMs: 5_000 }).catch(() => undefined);
    expect(of("listBackends").map((call) => call.call.timeoutMs)).toEqual([2_000, 6_000]);
    for (const call of of("listBackends")) call.answer([]);
  });

  it("gives an error to every caller waiting, marks the joiners', and never reuses a failed flight", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    const first = apim.getScopePolicy({ kind: "service" });
    const second = apim.getScopePolicy({ kind: "service" });
    const failure = new AppError("unavailable", "ARM answered 503", {
      details: { status: 503, correlationId: "c", requestIds: ["r"], attempts: 3, mayHaveLanded: false },
    });
    of("getScopePolicy")[0]!.fail(failure);
    await expect(first).rejects.toBe(failure);
    const joined = await second.then(
      () => null,
      (caught: unknown) => caught as AppError,
    );
    expect(joined).toBeInstanceOf(AppError);
    expect(joined!.message).toBe(failure.message);
    expect(joined!.details).toEqual({ ...failure.details, joined: true });
    const again = apim.getScopePolicy({ kind: "service" });
    expect(of("getScopePolicy")).toHaveLength(2);
    of("getScopePolicy")[1]!.answer(null);
    expect((await again).value).toBeNull();
  });

  it("freezes the shared answer, so no caller changes it for another", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    const read = apim.listNamedValues();
    of("listNamedValues")[0]!.answer([{ name: "nv", tags: ["a"], keyVault: { secretIdentifier: "s" } }]);
    const { value } = await read;
    expect(() => (value as unknown as unknown[]).push({})).toThrow(TypeError);
    expect(() => ((value[0] as unknown as { tags: string[] }).tags[0] = "b")).toThrow(TypeError);
    expect(() => ((value[0]!.keyVault as { secretIdentifier: string }).secretIdentifier = "t")).toThrow(TypeError);
  });

  it("counts no requests in a ScopeReader for a read that joined one in flight", async () => {
    const { client, of } = heldClient();
    const apim = coalesced(client);
    const reader = new ScopeReader((task) => task());
    const reads = [reader.read((call) => apim.getService(call)), reader.read((call) => apim.getService(call))];
    await tick();
    of("getService")[0]!.answer({ gatewayUrl: null, identity: { type: "None" } });
    await Promise.all(reads);
    expect(reader.requests).toBe(1);
  });
});

describe("the client of an instance", () => {
  afterEach(() => configureApimClients({}));

  it("shares a read in flight between the callers of one instance, never between instances", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const arm = fakeArm(() => ({ status: 200, body: { value: [] } }));
    configureApimClients(
      {
        httpClient: {
          sendRequest: async (request) => {
            await held;
            return arm.httpClient.sendRequest(request);
          },
        },
      },
      staticCredential,
    );
    const instance = (id: string) => ({ id, ...testInstance, armEndpoint: "https://management.azure.com" });
    const reads = [
      apimClientForInstance(instance("one")).listNamedValues(),
      apimClientForInstance(instance("one")).listNamedValues(),
      apimClientForInstance(instance("two")).listNamedValues(),
      apimClientForInstance(instance("two")).listNamedValues(),
    ];
    await tick();
    release();
    await Promise.all(reads);
    expect(arm.requests.map((request) => request.url.pathname)).toEqual([
      `${servicePath}/namedValues`,
      `${servicePath}/namedValues`,
    ]);
  });
});
