"use server";

import { refresh } from "next/cache";
import { z } from "zod";
import type { FormState } from "@/components/forms/form-state";
import { guardAction } from "@/lib/auth/console-guard";
import { createKeyVaultSecret } from "@/lib/secrets/create-key-vault-secret";
import { createSecret } from "@/lib/secrets/create-secret";
import { refreshKeyVaultSecret } from "@/lib/secrets/refresh-key-vault-secret";
import { keyVaultReferenceSchema, secretNameSchema, secretValueSchema } from "@/lib/secrets/schemas";
import { parseInput } from "@/lib/validation";
import { actionError } from "../../../action-error";
import { formFields } from "../../../form-fields";

/*
 * Secret values arrive in the form data and go to the use case, and nowhere else: results
 * carry the name and fingerprint, and errors come from messages that never echo a value.
 * The value is not in form state, so nothing can put it back into the page.
 */

const typedSecretSchema = z.object({ instanceId: z.string(), name: secretNameSchema, value: secretValueSchema });

export async function createSecretAction(_previous: FormState<string>, formData: FormData): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "secret.create");
    const secret = await createSecret(ctx, parseInput(typedSecretSchema, formFields(formData), "secret"));
    refresh();
    return {
      status: "done",
      result: `Created ${secret.name} in APIM (fingerprint ${secret.fingerprint}). The value is not kept and will not be shown again.`,
    };
  } catch (error) {
    return actionError(error);
  }
}

const keyVaultSecretSchema = keyVaultReferenceSchema.extend({ instanceId: z.string(), name: secretNameSchema });

export async function createKeyVaultSecretAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "secret.create");
    const secret = await createKeyVaultSecret(
      ctx,
      parseInput(keyVaultSecretSchema, formFields(formData), "Key Vault reference"),
    );
    refresh();
    return {
      status: "done",
      result: `Created ${secret.name}: APIM reads it from ${secret.keyVault?.secretIdentifier ?? "Key Vault"}.`,
    };
  } catch (error) {
    return actionError(error);
  }
}

const refreshSchema = z.object({ secretId: z.string() });

export async function refreshSecretAction(
  _previous: FormState<string>,
  formData: FormData,
): Promise<FormState<string>> {
  try {
    const ctx = await guardAction("config.write", "secret.refresh");
    const secret = await refreshKeyVaultSecret(ctx, parseInput(refreshSchema, formFields(formData)));
    refresh();
    const status = secret.keyVault?.lastStatus;
    return {
      status: "done",
      result: `Refreshed ${secret.name}: Key Vault answered ${status?.code ?? "nothing yet"}${status?.message ? ` (${status.message})` : ""}.`,
    };
  } catch (error) {
    return actionError(error);
  }
}
