/**
 * What one ARM request costs Portcullis's CPU: `getApi` through the ARM client (lib/apim: call
 * state, guard, retry, token, core-rest-pipeline's HTTP client, the answer's JSON and ETag)
 * beside a bare `https.request` of the same URL with the same token on a keep-alive agent (the
 * body read and parsed, nothing else), both 16 in flight against the simulator in its own
 * process, in the same process and alternating, so that the machine's load weighs on both alike.
 * CPU is this process's (`process.cpuUsage`), per request; the figure is the client's median
 * over the bare request's median. The ARM client does not touch the database: one engine runs.
 *
 *   npx tsx bench/arm-request-cpu.ts [--requests=2000] [--runs=5]
 */
import https from "node:https";
import { allowedArmTarget } from "../lib/apim/allowed-arm-endpoint";
import { serviceUrl } from "../lib/apim/apim-instance";
import { apimClientForInstance, azureCredential } from "../lib/apim/client-for-instance";
import { figure, median } from "./support/bench-result";
import { benchmark, numberArgument } from "./support/control-plane";

const IN_FLIGHT = 16;
const requests = numberArgument("requests", 2000);
const runs = numberArgument("runs", 5);
process.env.TEST_DB ??= "pglite";

await benchmark(async (plane) => {
  await plane.seedApis(1, "bench-arm-cpu");
  const name = "bench-arm-cpu-1";
  const apim = apimClientForInstance(plane.instance);
  const { scope } = allowedArmTarget(plane.instance.armEndpoint, "stored");
  const token = (await azureCredential().getToken(scope))?.token;
  if (!token) throw new Error("the sandbox gave no ARM token");
  const url = `${serviceUrl(plane.instance)}/apis/${name}?api-version=2024-05-01`;
  const agent = new https.Agent({ keepAlive: true });
  const headers = { authorization: `Bearer ${token}`, accept: "application/json" };

  const bare = () =>
    new Promise<void>((resolve, reject) => {
      const request = https.request(url, { agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => {
          const api = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { name?: string };
          if (response.statusCode !== 200 || api.name !== name || !response.headers.etag)
            reject(new Error(`bare GET answered ${response.statusCode}`));
          else resolve();
        });
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end();
    });
  const client = async () => {
    const { value } = await apim.getApi(name);
    if (value?.name !== name) throw new Error("the client read no API");
  };

  /** CPU µs of this process per request, `requests` of them sent IN_FLIGHT at a time. */
  const cpuPerRequest = async (send: () => Promise<void>) => {
    let sent = 0;
    const before = process.cpuUsage();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (sent++ < requests) await send();
      }),
    );
    const used = process.cpuUsage(before);
    return (used.user + used.system) / requests;
  };

  // Not measured: both paths once, so the runs measure warm code and open connections.
  await cpuPerRequest(client);
  await cpuPerRequest(bare);
  const clientRuns: number[] = [];
  const bareRuns: number[] = [];
  for (let run = 1; run <= runs; run++) {
    clientRuns.push(await plane.profiled(() => cpuPerRequest(client)));
    bareRuns.push(await cpuPerRequest(bare));
    console.log(
      `run ${run}: ARM client ${clientRuns.at(-1)?.toFixed(0)} µs CPU per request, bare https.request ${bareRuns.at(-1)?.toFixed(0)} µs`,
    );
  }
  agent.destroy();
  // The bound is the bare request's median CPU: what any HTTPS client must spend at the least.
  const what = `CPU per ARM request of the ARM client (getApi, ${IN_FLIGHT} in flight), bound: a bare https.request`;
  return [figure(what, "µs", clientRuns, { timesBound: 1.5, bound: median(bareRuns) })];
});
