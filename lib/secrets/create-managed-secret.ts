import type { NamedValue, NamedValueInput } from "../apim";
import type { RequestContext } from "../auth/request-context";
import { getDb, Prisma } from "../db";
import { AppError } from "../errors";
import { apimClientForInstance } from "../apim/client-for-instance";
import { findInstanceOrThrow } from "../instances/find-instance";
import { failSecretChange } from "./fail-secret-change";
import { recordSecretChange } from "./record-secret-change";
import type { SecretView } from "./schemas";
import { managedSecretView } from "./secret-view";

/** What the two create use cases hand over, already validated. */
export interface NewSecret {
  instanceId: string;
  name: string;
  /** Sent to APIM: the typed value or the Key Vault reference. */
  namedValue: NamedValueInput;
  /** Kept and audited instead of the value. */
  kind: "value" | "keyVault";
  fingerprint: string | null;
  /** The typed value, only to keep it out of any error. */
  value?: string;
}

/**
 * Creates the named value in APIM (its ARM name is the display name), then records it. Every
 * attempt that gets this far ends in exactly one audit event, success or failure.
 */
export async function createManagedSecret(ctx: RequestContext, secret: NewSecret): Promise<SecretView> {
  const db = getDb();
  const instance = await findInstanceOrThrow(db, secret.instanceId);
  const apim = apimClientForInstance(instance);
  const call = { correlationId: ctx.requestId };
  const attempted = {
    instanceId: instance.id,
    name: secret.name,
    kind: secret.kind,
    ...("keyVault" in secret.namedValue
      ? { keyVault: secret.namedValue.keyVault }
      : { fingerprint: secret.fingerprint }),
  };

  let created: NamedValue;
  try {
    const { value: existing } = await apim.listNamedValues(call);
    const taken = existing.find(
      (namedValue) => sameName(namedValue.name, secret.name) || sameName(namedValue.displayName, secret.name),
    );
    if (taken) throw await nameTaken(instance.id, taken);
    // ARM has no If-None-Match: a create sends no If-Match, so the check above is what keeps
    // it from replacing a named value; only a create racing it in the same moment can slip by.
    created = (await apim.putNamedValue(secret.name, secret.namedValue, "absent", call)).value;
  } catch (error) {
    return failSecretChange(
      ctx,
      error,
      { action: "secret.create", target: { type: "instance", id: instance.id }, after: attempted },
      secret.value,
    );
  }

  const { saved } = await recordSecretChange(
    ctx,
    { instanceId: instance.id, namedValueId: created.name },
    async (tx) => {
      // A record whose named value APIM no longer has (deleted outside Portcullis) is stale: the
      // new named value takes its place.
      const stale = await tx.secret.findFirst({
        where: { instanceId: instance.id, namedValueId: { equals: created.name, mode: "insensitive" } },
      });
      const data = {
        namedValueId: created.name,
        displayName: created.displayName,
        kind: secret.kind,
        fingerprint: secret.fingerprint,
        keyVaultSecretId: created.keyVault?.secretIdentifier ?? null,
        keyVaultIdentity: created.keyVault?.identityClientId ?? null,
        lastStatus: created.keyVault?.lastStatus ?? Prisma.DbNull,
        createdAt: new Date(),
        createdBy: ctx.actor.name,
        rotatedAt: null,
      };
      const saved = stale
        ? await tx.secret.update({ where: { id: stale.id }, data })
        : await tx.secret.create({ data: { instanceId: instance.id, ...data } });
      return { saved, replaced: stale };
    },
    ({ saved, replaced }) => ({
      action: "secret.create",
      target: { type: "secret", id: saved.id },
      before: replaced && {
        kind: replaced.kind,
        fingerprint: replaced.fingerprint,
        keyVaultSecretId: replaced.keyVaultSecretId,
        note: "record of a named value APIM no longer had",
      },
      after: { ...attempted, lastStatus: created.keyVault?.lastStatus ?? null },
      outcome: "success",
    }),
  );
  return managedSecretView(saved, created);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

async function nameTaken(instanceId: string, taken: NamedValue): Promise<AppError> {
  const managed = await getDb().secret.findFirst({
    where: { instanceId, namedValueId: { equals: taken.name, mode: "insensitive" } },
  });
  const advice = !managed
    ? "it was not created through Portcullis, so choose another name"
    : managed.kind === "keyVault"
      ? `Portcullis manages it (secret ${managed.id}): rotate it in Key Vault and refresh it instead`
      : `Portcullis manages it (secret ${managed.id}): rotate it instead`;
  return new AppError("conflict", `APIM already has a named value called "${taken.displayName}"; ${advice}.`, {
    fields: [{ path: "name", message: "is already used by a named value in APIM" }],
    details: managed ? { secretId: managed.id } : {},
  });
}
