import type { PrismaClient } from "../../lib/db";
import { getInstance } from "../../lib/instances/get-instance";
import { approveSettingsChange } from "../../lib/instances/approve-settings-change";
import type { InstanceView } from "../../lib/instances/schemas";
import { updateInstanceSettings } from "../../lib/instances/update-instance-settings";
import { contextFor } from "./request-context";

const asker = contextFor("admin", { name: "Settings Admin" });
const approvers = [
  contextFor("admin", { name: "Settings Approver 1" }),
  contextFor("admin", { name: "Settings Approver 2" }),
];

/**
 * Changes an instance's four-eyes settings as two admins would: one asks, and when the change
 * lowers protection and is held, other admins approve it until it applies (separation of duties,
 * lib/instances/update-instance-settings.ts). For tests that set an instance up or restore it.
 */
export async function changeInstanceSettings(
  instanceId: string,
  settings: Record<string, unknown>,
): Promise<InstanceView> {
  const { instance, pendingChange } = await updateInstanceSettings(asker, { instanceId, settings });
  if (!pendingChange) return instance;
  for (const approver of approvers) {
    const change = await approveSettingsChange(approver, { changeId: pendingChange.id });
    if (change.status === "applied") break;
  }
  return getInstance(asker, { instanceId });
}

/** A fresh instance on production (its applies need one approval), stored directly; its id. */
export async function createProductionInstance(prisma: PrismaClient, name: string): Promise<string> {
  return createInstanceRow(prisma, name, { environment: "production" });
}

/** A fresh instance no APIM stands behind, stored directly with `settings` (environment, approvals); its id. */
export async function createInstanceRow(
  prisma: PrismaClient,
  name: string,
  settings: { environment: string; approvalsRequired?: number; automationApprovers?: boolean },
): Promise<string> {
  const row = await prisma.instance.create({
    data: {
      name,
      subscriptionId: "s",
      resourceGroup: "rg",
      serviceName: name.replace(/[^a-z0-9]/g, ""),
      armEndpoint: "https://arm",
      ...settings,
    },
  });
  return row.id;
}
