import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { RefreshWhileRunning } from "@/components/deployments/refresh-while-running";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { RotateKeyForm } from "@/components/rotation/rotate-key-form";
import { RotationPanel } from "@/components/rotation/rotation-panel";
import { RotationPolicyForm } from "@/components/rotation/rotation-policy-form";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { DateTime } from "@/components/ui/date-time";
import { Section } from "@/components/ui/section";
import { guardPage } from "@/lib/auth/console-guard";
import { getConfig } from "@/lib/env";
import { isAppError } from "@/lib/errors";
import { listRotations } from "@/lib/rotation/list-rotations";
import { graceMinutesSchema } from "@/lib/rotation/schemas";
import { getSecret } from "@/lib/secrets/get-secret";
import { applyRotationAction, rollBackRotationAction, setRotationPolicyAction, startRotationAction } from "./actions";

export const metadata: Metadata = { title: "Secret" };

type Props = { params: Promise<{ id: string; secretId: string }> };

export default async function SecretPage({ params }: Props) {
  const ctx = await guardPage("/instances/[id]/secrets/[secretId]");
  const { id, secretId } = await params;
  const secret = await getSecret(ctx, { secretId }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  if (secret.instanceId !== id || secret.id === null) notFound();
  const rotations = secret.kind === "value" ? (await listRotations(ctx, { secretId, limit: 20 })).items : [];
  const canWrite = ctx.permissions.has("config.write");
  // The rotation still in hand: to apply, applying, or applied with its old named value kept.
  const open = rotations.find(
    (rotation) =>
      rotation.canApply || rotation.status === "applying" || (rotation.status === "applied" && !rotation.deletedAt),
  );
  const earlier = rotations.filter((rotation) => rotation !== open);
  const now = new Date().toISOString();
  const actions = canWrite ? { apply: applyRotationAction, rollBack: rollBackRotationAction } : undefined;

  return (
    <div className="space-y-8">
      {/* Deployments, then the gateway's verifications (recorded just after "applied"). */}
      <RefreshWhileRunning
        running={
          open?.status === "applying" ||
          (open?.status === "applied" && open.plans.length > 0 && open.verifications.length === 0)
        }
      />
      <Breadcrumb
        trail={[
          { href: "/instances", label: "Instances" },
          { href: `/instances/${id}/secrets`, label: "Secrets" },
        ]}
        current={secret.name}
      />
      <div>
        <h1 className="text-2xl font-semibold">
          Secret <code className="font-mono">{`{{${secret.name}}}`}</code>
        </h1>
        <p className="text-sm text-slate-600">
          {secret.kind === "keyVault"
            ? "A Key Vault reference: rotate it in Key Vault, then refresh it from the secrets list."
            : "A typed key. Portcullis knows it only by its fingerprint; a rotation writes the new key to a new named value and moves every reference to it through plans you read first."}
        </p>
      </div>

      <Section id="facts" title="The key" card>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm">
          <dt className="font-medium">Fingerprint</dt>
          <dd>
            <code className="break-all font-mono">{secret.fingerprint ?? "—"}</code>
          </dd>
          <dt className="font-medium">Set</dt>
          <dd>
            <DateTime value={secret.rotatedAt ?? secret.createdAt ?? now} />
            {secret.rotation ? ` (${secret.rotation.ageDays} days old)` : null}
          </dd>
          {secret.rotation ? (
            <>
              <dt className="font-medium">Rotation policy</dt>
              <dd>
                {secret.rotation.intervalDays === null ? (
                  "none"
                ) : (
                  <>
                    every {secret.rotation.intervalDays} days{" "}
                    {secret.rotation.due ? (
                      <Badge tone="danger">due for rotation</Badge>
                    ) : secret.rotation.dueAt ? (
                      <>
                        (next by <DateTime value={secret.rotation.dueAt} />)
                      </>
                    ) : null}
                  </>
                )}
              </dd>
            </>
          ) : null}
        </dl>
        {secret.warnings.map((warning) => (
          <Alert key={warning} tone="warning" live={false} title={warning} />
        ))}
      </Section>

      {open ? <RotationPanel rotation={open} now={now} actions={actions} /> : null}

      {canWrite && secret.kind === "value" ? (
        <div className="grid gap-6 lg:grid-cols-2">
          {open ? null : (
            <Section card>
              <RotateKeyForm
                secretId={secretId}
                name={secret.name}
                defaultGraceMinutes={getConfig().rotationGraceMinutes}
                graceHint={graceMinutesSchema.description}
                action={startRotationAction}
              />
            </Section>
          )}
          <Section card>
            <RotationPolicyForm
              secretId={secretId}
              intervalDays={secret.rotation?.intervalDays ?? null}
              action={setRotationPolicyAction}
            />
          </Section>
        </div>
      ) : null}

      {earlier.length > 0 ? (
        <Section id="history" title="Earlier rotations">
          <ul className="list-disc space-y-1 pl-5 text-sm">
            {earlier.map((rotation) => (
              <li key={rotation.id}>
                <DateTime value={rotation.createdAt} />: to{" "}
                <code className="font-mono">{rotation.newNamedValue.name}</code>, {rotation.status.replace("_", " ")} (
                {rotation.createdBy})
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      <Link className="text-sm text-blue-700 underline" href={`/instances/${id}/secrets`}>
        All secrets of this instance
      </Link>
    </div>
  );
}
