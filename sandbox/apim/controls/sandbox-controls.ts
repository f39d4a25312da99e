import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { ArmError } from "../arm/arm-error";
import { faultConfigSchema } from "../faults/fault-rules";
import type { FaultScheduler } from "../faults/fault-scheduler";
import { readJsonBody } from "../http/read-json-body";
import type { SimulatedKeyVault } from "../resources/named-values/simulated-key-vault";
import type { EntityCollection } from "../store/entity-collection";
import type { RoleAssignmentRecord } from "../store/records";
import type { RequestLog } from "./request-log";
import type { WebhookReceiver } from "./webhook-receiver";

/**
 * `/_sandbox/…`: controls for tests and benchmarks, answered only to loopback clients and
 * outside ARM (no token, no faults, not in the request log). README.md documents each one.
 */
export interface SandboxControlParts {
  faults: FaultScheduler;
  requestLog: RequestLog;
  keyVault: SimulatedKeyVault;
  /** Takes the webhooks Portcullis sends in sandbox mode (webhook-receiver.ts). */
  webhooks: WebhookReceiver;
  /** Back to the first-start state: seed data only, no faults, empty log. */
  reset(): Promise<void>;
  /** Azure role assignments the sandbox model honours; a control removes them behind Portcullis's back. */
  roleAssignments: EntityCollection<RoleAssignmentRecord>;
  /** Creates `count` benchmark APIs (and products holding them) in one service and returns their ids. */
  seedApis(options: SeedApisOptions): Promise<{ apis: string[]; products: string[] }>;
}

const seedSchema = z
  .object({
    apis: z.number().int().min(1).max(5000),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,40}$/, "prefix: letters, digits and dashes, at most 41")
      .default("bench-api"),
    withPolicy: z.boolean().default(true),
    operations: z.number().int().min(0).max(50).default(0),
    products: z.number().int().min(0).max(100).default(0),
    /** Which of the services served (options.moreServices) gets them; the first by default. */
    service: z.string().min(1).max(50).optional(),
  })
  .strict();

export type SeedApisOptions = { count: number } & Omit<z.infer<typeof seedSchema>, "apis">;

const keyVaultSchema = z.union([
  z.object({ secretIdentifier: z.string().min(1), value: z.string().min(1).max(4096) }).strict(),
  z
    .object({
      secretIdentifier: z.string().min(1),
      failure: z.object({ code: z.string().min(1), message: z.string().min(1) }).strict(),
    })
    .strict(),
]);

const answersSchema = z.object({ statuses: z.array(z.number().int().min(200).max(599)).max(100) }).strict();
const receiverName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const loopback = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);

export async function handleSandboxControl(
  parts: SandboxControlParts,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (!loopback.has(request.socket.remoteAddress ?? ""))
    return reply(response, 403, { error: { message: "Sandbox controls answer loopback clients only." } });
  const url = new URL(request.url ?? "/", "https://localhost");
  const route = `${request.method} ${url.pathname.replace(/\/+$/, "")}`;
  try {
    const webhook = /^(POST \/_sandbox\/webhooks|PUT \/_sandbox\/webhook-answers)\/([^/]+)$/.exec(route);
    if (webhook) {
      const name = webhook[2]!;
      if (!receiverName.test(name)) return reply(response, 400, { error: { message: "Not a receiver name." } });
      if (webhook[1]!.startsWith("POST")) return reply(response, await parts.webhooks.receive(name, request));
      parts.webhooks.program(name, parse(answersSchema, await readJsonBody(request)).statuses);
      return reply(response, 204);
    }
    switch (route) {
      case "GET /_sandbox/faults":
        return reply(response, 200, parts.faults.snapshot());
      case "POST /_sandbox/faults":
        parts.faults.configure(parse(faultConfigSchema, await readJsonBody(request)));
        return reply(response, 200, parts.faults.snapshot());
      case "DELETE /_sandbox/faults":
        parts.faults.clear();
        return reply(response, 204);
      case "GET /_sandbox/requests": {
        const since = Number(url.searchParams.get("since") ?? 0) || 0;
        const limit = Number(url.searchParams.get("limit") ?? 10_000) || 10_000;
        return reply(response, 200, parts.requestLog.list(since, limit));
      }
      case "DELETE /_sandbox/requests":
        parts.requestLog.clear();
        return reply(response, 204);
      case "GET /_sandbox/webhooks":
        return reply(response, 200, { deliveries: parts.webhooks.list(url.searchParams.get("name") ?? undefined) });
      case "DELETE /_sandbox/webhooks":
        parts.webhooks.clear();
        return reply(response, 204);
      case "POST /_sandbox/reset":
        await parts.reset();
        return reply(response, 204);
      case "POST /_sandbox/seed": {
        const { apis: count, ...options } = parse(seedSchema, await readJsonBody(request));
        return reply(response, 200, await parts.seedApis({ count, ...options }));
      }
      case "GET /_sandbox/role-assignments":
        return reply(response, 200, { value: parts.roleAssignments.list() });
      case "DELETE /_sandbox/role-assignments": {
        // Every assignment of the principal (optionally only those on one scope).
        const principalId = url.searchParams.get("principalId")?.toLowerCase();
        const scope = url.searchParams.get("scope")?.toLowerCase();
        if (!principalId) return reply(response, 400, { error: { message: "principalId is required." } });
        const removed = parts.roleAssignments
          .list()
          .filter((a) => a.principalId.toLowerCase() === principalId && (!scope || a.scope.toLowerCase() === scope));
        await Promise.all(removed.map((assignment) => parts.roleAssignments.delete(assignment.name)));
        return reply(response, 200, { removed: removed.map((assignment) => assignment.name) });
      }
      case "POST /_sandbox/keyvault": {
        const { secretIdentifier, ...secret } = parse(keyVaultSchema, await readJsonBody(request));
        parts.keyVault.set(secretIdentifier, secret);
        return reply(response, 204);
      }
      default:
        return reply(response, 404, { error: { message: `No sandbox control ${route}.` } });
    }
  } catch (error) {
    if (error instanceof ControlInputError)
      return reply(response, 400, { error: { message: error.message, issues: error.issues } });
    if (error instanceof ArmError) return reply(response, error.status, { error: { message: error.message } });
    console.error("APIM simulator: sandbox control failed", error);
    return reply(response, 500, { error: { message: (error as Error).message } });
  }
}

class ControlInputError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super("The request body is not valid for this control.");
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new ControlInputError(
    result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
  );
}

function reply(response: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    response.writeHead(status, { "Content-Length": "0" }).end();
    return;
  }
  const json = JSON.stringify(body);
  response
    .writeHead(status, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(json)),
    })
    .end(json);
}
