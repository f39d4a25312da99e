/**
 * The sandbox gateway in front of the sandbox model, on one core: requests per second through
 * the seeded Foundry Models API (validate-azure-ad-token against the sandbox identity provider,
 * then APIM's managed identity to the model), and the latency the gateway adds over calling the
 * model directly with its key (p50 and p99 of sequential calls, interleaved). The JWKS and the
 * managed identity token are cached as APIM documents, so after the first call neither is fetched.
 * The sandbox (identity provider, simulator, gateway, model) runs in its own process: that
 * process is the one core measured.
 *
 *   npx tsx bench/gateway-throughput.ts [--requests=2000] [--concurrency=16] [--latencyCalls=500]
 */
import { Agent, request } from "node:https";
import { FOUNDRY_KEY_SECRET } from "../sandbox/apim/seed/initial-seed";
import { SimulatedKeyVault } from "../sandbox/apim/resources/named-values/simulated-key-vault";
import { figure, percentile } from "./support/bench-result";
import { benchmark, numberArgument } from "./support/control-plane";

const requests = numberArgument("requests", 2000);
const concurrency = numberArgument("concurrency", 16);
const latencyCalls = numberArgument("latencyCalls", 500);
const body = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }], max_tokens: 1 });
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = request(
      url,
      {
        method: "POST",
        agent,
        servername: "localhost",
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
      },
    );
    sent.on("error", reject);
    sent.end(body);
  });
}

await benchmark(async (plane) => {
  const c = plane.coordinates;
  const caller = c.callerClients[0]!;
  const tokenResponse = await fetch(`${c.authorityHost}/${c.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: caller.clientId,
      client_secret: caller.clientSecret,
      scope: `${c.llmApiAudience}/.default`,
    }),
  });
  const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
  const throughGateway = () =>
    post(new URL("/models/chat/completions?api-version=2024-05-01-preview", c.gatewayUrl), {
      authorization: `Bearer ${token}`,
    });
  const foundryKey = new SimulatedKeyVault().fetch(FOUNDRY_KEY_SECRET);
  if (!("value" in foundryKey)) throw new Error("no seeded Foundry key");
  // The model is reached by the account's host name, as the gateway reaches it.
  const direct = () =>
    post(new URL("/models/chat/completions?api-version=2024-05-01-preview", c.modelEndpoint), {
      host: "portcullis-sandbox-foundry.services.ai.azure.com",
      "api-key": foundryKey.value,
    });
  for (const [what, call] of [
    ["gateway", throughGateway],
    ["direct", direct],
  ] as const) {
    const status = await call();
    if (status !== 200) throw new Error(`${what} call answered ${status}`);
  }

  // Warm-up, not measured.
  for (let i = 0; i < 200; i++) await throughGateway();

  let sent = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (sent < requests) {
        sent += 1;
        const status = await throughGateway();
        if (status !== 200) throw new Error(`gateway answered ${status}`);
      }
    }),
  );
  const perSecond = (requests / (performance.now() - started)) * 1000;
  console.log(`  ${requests} calls, ${concurrency} at a time: ${Math.round(perSecond)} requests/s`);

  const gateway: number[] = [];
  const model: number[] = [];
  for (let i = 0; i < latencyCalls; i++) {
    for (const [times, call] of [
      [gateway, throughGateway],
      [model, direct],
    ] as const) {
      const at = performance.now();
      await call();
      times.push(performance.now() - at);
    }
  }
  const added = (p: number) => percentile(gateway, p) - percentile(model, p);
  console.log(
    `  sequential: gateway p50 ${percentile(gateway, 50).toFixed(2)} ms, p99 ${percentile(gateway, 99).toFixed(2)} ms; direct p50 ${percentile(model, 50).toFixed(2)} ms, p99 ${percentile(model, 99).toFixed(2)} ms`,
  );
  return [
    figure("gateway: requests/s through validate-azure-ad-token + managed identity (one core)", "req/s", [perSecond], {
      atLeast: 500,
    }),
    figure("gateway: added latency p50 over a direct model call", "ms", [added(50)], { atMost: 5 }),
    figure("gateway: added latency p99 over a direct model call", "ms", [added(99)], { atMost: 20 }),
  ];
});
