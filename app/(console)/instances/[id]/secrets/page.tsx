import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ArmProblem } from "@/components/arm/arm-problem";
import { ButtonForm } from "@/components/forms/button-form";
import { Breadcrumb } from "@/components/layout/breadcrumb";
import { KeyVaultSecretForm } from "@/components/secrets/key-vault-secret-form";
import { SecretTable } from "@/components/secrets/secret-table";
import { TypedSecretForm } from "@/components/secrets/typed-secret-form";
import { Alert } from "@/components/ui/alert";
import { buttonStyles } from "@/components/ui/button-styles";
import { Section } from "@/components/ui/section";
import { guardPage } from "@/lib/auth/console-guard";
import { isAppError } from "@/lib/errors";
import { getInstance } from "@/lib/instances/get-instance";
import { listSecrets } from "@/lib/secrets/list-secrets";
import { keyVaultReferenceSchema, secretNameSchema } from "@/lib/secrets/schemas";
import { orArmFailure, orStalePage } from "../../../lookup";
import { createKeyVaultSecretAction, createSecretAction, refreshSecretAction } from "./actions";

export const metadata: Metadata = { title: "Secrets" };

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function SecretsPage({ params, searchParams }: Props) {
  const ctx = await guardPage("/instances/[id]/secrets");
  const { id } = await params;
  const cursor = (await searchParams).cursor;
  const instance = await getInstance(ctx, { instanceId: id }).catch((error: unknown) => {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  });
  const canWrite = ctx.permissions.has("config.write");
  const listed = await orArmFailure(
    orStalePage(listSecrets(ctx, { instanceId: id, cursor: typeof cursor === "string" ? cursor : undefined })),
  );

  return (
    <div className="space-y-8">
      <Breadcrumb trail={[{ href: "/instances", label: "Instances" }]} current={`${instance.name}: secrets`} />
      <div>
        <h1 className="text-2xl font-semibold">Secrets of {instance.name}</h1>
        <p className="text-sm text-slate-600">
          APIM named values marked secret, which policies and backends reference as{" "}
          <code className="font-mono">{"{{name}}"}</code>. Portcullis never stores or shows a value: typed values are
          known here only by their fingerprint.
        </p>
      </div>

      {!listed.ok ? (
        <ArmProblem title="The secrets could not be read from APIM." error={listed.error} />
      ) : listed.value.items.length === 0 ? (
        <Alert title={listed.value.stale ? "That page link is no longer valid." : "This instance has no secrets yet."}>
          {canWrite ? "Add one below; a Key Vault reference is the safer kind." : "An administrator adds them."}
        </Alert>
      ) : (
        <SecretTable
          secrets={listed.value.items}
          actions={
            canWrite
              ? (secret) =>
                  secret.id === null ? (
                    <span className="text-xs text-slate-600">Managed outside Portcullis</span>
                  ) : secret.kind === "keyVault" ? (
                    <ButtonForm
                      action={refreshSecretAction}
                      fields={{ secretId: secret.id }}
                      busyText="Refreshing…"
                      errorTitle={`${secret.name} was not refreshed`}
                    >
                      Refresh<span className="sr-only"> {secret.name}</span> from Key Vault
                    </ButtonForm>
                  ) : (
                    // One way to rotate: the secret's page (new named value, plans, grace period, roll back).
                    <Link
                      className="text-sm font-semibold text-blue-700 underline"
                      href={`/instances/${id}/secrets/${secret.id}#rotate-title`}
                    >
                      Rotate<span className="sr-only"> {secret.name}</span>
                    </Link>
                  )
              : undefined
          }
        />
      )}
      {listed.ok && listed.value.nextCursor ? (
        <Link
          className={buttonStyles.secondary}
          href={`/instances/${id}/secrets?cursor=${encodeURIComponent(listed.value.nextCursor)}`}
        >
          Next page
        </Link>
      ) : null}

      {canWrite ? (
        <Section id="add" title="Add a secret">
          <div className="grid gap-6 lg:grid-cols-2">
            <Section card>
              <KeyVaultSecretForm
                instanceId={id}
                action={createKeyVaultSecretAction}
                hints={{
                  name: secretNameSchema.description,
                  secretIdentifier: keyVaultReferenceSchema.shape.secretIdentifier.description,
                  identityClientId: keyVaultReferenceSchema.shape.identityClientId.description,
                }}
              />
            </Section>
            <Section card>
              <TypedSecretForm instanceId={id} nameHint={secretNameSchema.description} action={createSecretAction} />
            </Section>
          </div>
        </Section>
      ) : null}
    </div>
  );
}
