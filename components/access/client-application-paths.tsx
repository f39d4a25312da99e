import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import type { ClientApplicationAccess } from "@/lib/access/matrix-schemas";

const REASONS = {
  listed: "its id is among the allowed client applications",
  "any-client": "a token validation accepts any client application of its issuer",
  "anyone-can-call": "nobody is checked and no subscription key is needed",
} as const;

/** The answer to "which APIs can this client application call": the APIs and paths, and why. */
export function ClientApplicationPaths({
  appId,
  items,
  unreadable,
}: {
  appId: string;
  items: ClientApplicationAccess["items"];
  unreadable: ClientApplicationAccess["unreadable"];
}) {
  return (
    <div className="space-y-3" data-testid="client-application-access">
      {items.length === 0 ? (
        <Alert title={`No API of this instance lets ${appId} in by its token.`}>
          APIs that need only a subscription key are not listed: whoever holds the key can call them.
        </Alert>
      ) : (
        <ul className="space-y-3">
          {items.map((item) => (
            <li key={item.apimName} className="rounded-lg border border-slate-200 bg-white p-4">
              <p className="font-semibold">
                {item.apiId === null ? (
                  item.displayName
                ) : (
                  <Link href={`/apis/${item.apiId}`} className="text-blue-700 underline">
                    {item.displayName}
                  </Link>
                )}{" "}
                <span className="font-mono text-xs text-slate-600">{item.apimName}</span>
              </p>
              <ul className="mt-2 space-y-2 text-sm">
                {item.paths.map((path) => (
                  <li key={path.key}>
                    <span className="font-medium">{path.label}</span>: {REASONS[path.reason]}
                    {path.reason !== "listed" ? (
                      <span className="ml-1">
                        <Badge tone="warning">not restricted to this application</Badge>
                      </span>
                    ) : null}
                    {path.conditions.length > 0 ? (
                      <span className="block text-slate-600">It also needs {path.conditions.join(", ")}.</span>
                    ) : null}
                    {path.findings.length > 0 ? (
                      <span className="block text-amber-900">Findings: {path.findings.join(", ")}</span>
                    ) : null}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {unreadable.length > 0 ? (
        <Alert tone="warning" title="Some scopes could not be read: the answer may miss APIs there.">
          <ul className="list-disc pl-4">
            {unreadable.map((scope) => (
              <li key={scope.what}>
                {scope.what}: {scope.message}
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}
    </div>
  );
}
