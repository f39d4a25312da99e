import Link from "next/link";
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { DataTable } from "@/components/ui/data-table";
import { DateTime } from "@/components/ui/date-time";
import type { SecretView } from "@/lib/secrets/schemas";

/**
 * An instance's secrets: what each is, where its value lives (a fingerprint or a Key Vault
 * identifier, never a value), and what needs attention. `actions` adds the admin's controls.
 */
export function SecretTable({
  secrets,
  actions,
}: {
  secrets: SecretView[];
  actions?: (secret: SecretView) => ReactNode;
}) {
  return (
    <DataTable
      caption="Secrets by name"
      columns={["Name", "Kind", "Value", "Changed", ...(actions ? ["Actions"] : [])]}
    >
      {secrets.map((secret) => (
        <tr key={secret.namedValueId} className="border-t border-slate-200 align-top">
          <th scope="row" className="px-3 py-2 font-normal">
            {secret.id ? (
              <Link className="text-blue-700 underline" href={`/instances/${secret.instanceId}/secrets/${secret.id}`}>
                <code className="font-mono text-xs font-semibold">{`{{${secret.name}}}`}</code>
              </Link>
            ) : (
              <code className="font-mono text-xs font-semibold">{`{{${secret.name}}}`}</code>
            )}
            <span className="mt-1 flex flex-wrap gap-1">
              {secret.origin === "external" ? <Badge>created outside Portcullis</Badge> : null}
              {!secret.inApim ? <Badge tone="danger">deleted in APIM</Badge> : null}
              {secret.rotation?.due ? <Badge tone="danger">due for rotation</Badge> : null}
            </span>
            {secret.warnings.length > 0 ? (
              <ul className="mt-1 list-disc pl-4 text-xs text-amber-900">
                {secret.warnings.map((warning) => (
                  <li key={warning}>{warning}</li>
                ))}
              </ul>
            ) : null}
          </th>
          <td className="px-3 py-2">{secret.kind === "keyVault" ? "Key Vault reference" : "typed value"}</td>
          <td className="px-3 py-2">
            <SecretValueFacts secret={secret} />
          </td>
          <td className="px-3 py-2 text-xs">
            {secret.rotatedAt ? (
              <>
                rotated <DateTime value={secret.rotatedAt} />
              </>
            ) : secret.createdAt ? (
              <>
                created <DateTime value={secret.createdAt} />
                {secret.createdBy ? ` by ${secret.createdBy}` : ""}
              </>
            ) : (
              "unknown"
            )}
            {secret.rotation ? (
              <span className="block">
                {secret.rotation.ageDays} days old;{" "}
                {secret.rotation.intervalDays === null
                  ? "no rotation policy"
                  : `rotate every ${secret.rotation.intervalDays} days`}
              </span>
            ) : null}
          </td>
          {actions ? <td className="px-3 py-2">{actions(secret)}</td> : null}
        </tr>
      ))}
    </DataTable>
  );
}

function SecretValueFacts({ secret }: { secret: SecretView }) {
  if (secret.keyVault) {
    const status = secret.keyVault.lastStatus;
    return (
      <div className="space-y-1 text-xs">
        <code className="block break-all font-mono">{secret.keyVault.secretIdentifier}</code>
        <span className="block">
          read with{" "}
          {secret.keyVault.identityClientId ? (
            <code className="font-mono">{secret.keyVault.identityClientId}</code>
          ) : (
            "the system-assigned identity"
          )}
        </span>
        <span className="flex flex-wrap items-center gap-1">
          Last fetch:{" "}
          {status ? <Badge tone={status.code === "Success" ? "success" : "danger"}>{status.code}</Badge> : "not yet"}
          {status?.timeStampUtc ? <DateTime value={status.timeStampUtc} /> : null}
        </span>
        {status?.message ? <span className="block">{status.message}</span> : null}
      </div>
    );
  }
  return secret.fingerprint ? (
    <span className="text-xs">
      fingerprint <code className="break-all font-mono">{secret.fingerprint}</code>
    </span>
  ) : (
    <span className="text-xs text-slate-600">unknown to Portcullis</span>
  );
}
