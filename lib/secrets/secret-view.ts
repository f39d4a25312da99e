import type { NamedValue } from "../apim";
import type { Secret } from "../db/generated/client";
import { parseStored } from "../db/parse-stored";
import { rotationAge } from "../rotation/rotation-due";
import { isVersionedIdentifier } from "./key-vault-identifier";
import { lastStatusSchema, type SecretView } from "./schemas";

/**
 * A Portcullis-managed secret as shown, overlaid with what APIM holds now (`live`; null when
 * APIM no longer has it): Key Vault identifier, identity and status come from APIM when it
 * has them, because APIM is where they can change.
 */
export function managedSecretView(row: Secret, live: NamedValue | null, now = new Date()): SecretView {
  const keyVault =
    live?.keyVault ??
    (row.keyVaultSecretId === null
      ? null
      : {
          secretIdentifier: row.keyVaultSecretId,
          identityClientId: row.keyVaultIdentity,
          lastStatus: parseStored(lastStatusSchema.nullable(), row.lastStatus, {
            record: `secret ${row.id}`,
            field: "lastStatus",
          }),
        });
  return withWarnings({
    id: row.id,
    instanceId: row.instanceId,
    name: live?.displayName ?? row.displayName,
    namedValueId: row.namedValueId,
    origin: "portcullis",
    kind: row.kind === "keyVault" ? "keyVault" : "value",
    fingerprint: row.fingerprint,
    keyVault,
    inApim: live !== null,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    rotatedAt: row.rotatedAt?.toISOString() ?? null,
    rotation: row.kind === "value" ? rotationOf(row, now) : null,
  });
}

function rotationOf(row: Secret, now: Date): SecretView["rotation"] {
  const age = rotationAge(row, now);
  return {
    ageDays: age.ageDays,
    intervalDays: row.rotationIntervalDays,
    dueAt: age.dueAt?.toISOString() ?? null,
    due: age.due,
  };
}

/** A secret named value that was not created through Portcullis: its value is unknown to us. */
export function externalSecretView(instanceId: string, live: NamedValue): SecretView {
  return withWarnings({
    id: null,
    instanceId,
    name: live.displayName,
    namedValueId: live.name,
    origin: "external",
    kind: live.keyVault ? "keyVault" : "value",
    fingerprint: null,
    keyVault: live.keyVault,
    inApim: true,
    createdAt: null,
    createdBy: null,
    rotatedAt: null,
    rotation: null,
  });
}

function withWarnings(view: Omit<SecretView, "warnings">): SecretView {
  const warnings: string[] = [];
  if (!view.inApim)
    warnings.push(
      `APIM no longer has this named value (it was deleted outside Portcullis); policies that reference {{${view.name}}} will fail.`,
    );
  if (view.rotation?.due)
    warnings.push(
      `The key is ${view.rotation.ageDays} days old and the rotation policy asks for a new one every ${view.rotation.intervalDays} days: rotate it.`,
    );
  const keyVault = view.keyVault;
  if (keyVault && isVersionedIdentifier(keyVault.secretIdentifier)) {
    warnings.push(
      "The Key Vault identifier names one version of the secret, so APIM keeps using that version after a rotation; use the identifier without the version.",
    );
  }
  const status = keyVault?.lastStatus;
  if (status && status.code !== "Success") {
    warnings.push(
      `APIM could not fetch the secret from Key Vault${status.timeStampUtc ? ` at ${status.timeStampUtc}` : ""}: ${status.code}${status.message ? ` (${status.message})` : ""}.`,
    );
  }
  return { ...view, warnings };
}
