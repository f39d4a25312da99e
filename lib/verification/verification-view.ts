import type { Prisma } from "../db";
import { parseStored } from "../db/parse-stored";
import { z } from "zod";
import { probeExpectationSchema, verificationTargetSchema, type VerificationView } from "./schemas";

export const verificationViewInclude = {
  probes: { orderBy: { seq: "asc" } },
} satisfies Prisma.VerificationInclude;

type Row = Prisma.VerificationGetPayload<{ include: typeof verificationViewInclude }>;

export function toVerificationView(row: Row): VerificationView {
  const record = `verification ${row.id}`;
  return {
    id: row.id,
    apiId: row.apiId,
    status: row.status as VerificationView["status"],
    summary: row.summary,
    gatewayUrl: row.gatewayUrl,
    target: row.target === null ? null : parseStored(verificationTargetSchema, row.target, { record, field: "target" }),
    notes: parseStored(z.array(z.string()), row.notes, { record, field: "notes" }),
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    startedBy: row.startedBy,
    probes: row.probes.map((probe) => ({
      seq: probe.seq,
      kind: probe.kind as VerificationView["probes"][number]["kind"],
      caller: probe.caller,
      outcome: probe.outcome as VerificationView["probes"][number]["outcome"],
      expected:
        probe.expected === null
          ? null
          : parseStored(probeExpectationSchema, probe.expected, { record, field: `probes[${probe.seq}].expected` }),
      actualStatus: probe.actualStatus,
      latencyMs: probe.latencyMs,
      gatewayRequestId: probe.gatewayRequestId,
      detail: probe.detail,
    })),
  };
}
