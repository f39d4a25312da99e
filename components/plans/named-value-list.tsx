import type { PlanDiff } from "@/lib/deployments/schemas";

/** The named values the policy will reference, with where their value comes from (never the value). */
export function NamedValueList({ namedValues }: { namedValues: PlanDiff["namedValues"] }) {
  return (
    <ul className="space-y-1 text-sm">
      {namedValues.map((value) => (
        <li key={value.namedValueId}>
          <code className="font-mono text-xs font-semibold">{`{{${value.displayName}}}`}</code>{" "}
          <span className="text-xs text-slate-600">
            {value.keyVaultSecretId ? (
              <>
                Key Vault <code className="break-all font-mono">{value.keyVaultSecretId}</code>
              </>
            ) : value.fingerprint ? (
              <>
                fingerprint <code className="font-mono">{value.fingerprint}</code>
              </>
            ) : value.secret ? (
              "secret, set outside Portcullis"
            ) : (
              "not secret"
            )}
          </span>
        </li>
      ))}
    </ul>
  );
}
