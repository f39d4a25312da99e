import type { ReactNode } from "react";
import type { AccessProfile, BackendAuth, CallerAuth, RequiredClaim } from "@/lib/policy/profile-schema";

/** An access profile in words, as an admin or reviewer reads it; values stay exact (monospace). */
export function ProfileSummary({
  profile,
  probeClientId = null,
}: {
  profile: Pick<AccessProfile, "backendAuth" | "callerAuth">;
  /** The Portcullis probe's client id: named "Portcullis probe" where the profile lets it in. */
  probeClientId?: string | null;
}) {
  return (
    <div className="grid gap-6 md:grid-cols-2">
      <section aria-label="Backend authentication">
        <h3 className="text-sm font-semibold uppercase tracking-wide text-slate-500">Backend authentication</h3>
        <BackendAuthSummary backend={profile.backendAuth} />
      </section>
      <section aria-label="Caller authentication">
        <h3 className="text-sm font-semibold uppercase tracking-wide text-slate-500">Caller authentication</h3>
        <CallerAuthSummary caller={profile.callerAuth} probeClientId={probeClientId} />
      </section>
    </div>
  );
}

export function BackendAuthSummary({ backend }: { backend: BackendAuth }) {
  if (backend.mode === "none")
    return <p className="mt-2 text-sm">None: APIM sends no credentials of its own to the backend.</p>;
  return (
    <Facts>
      {backend.mode === "apiKey" ? (
        <>
          <Fact term="Mode">API key from a named value</Fact>
          <Fact term="Named value">
            <Code>{`{{${backend.namedValue}}}`}</Code>
          </Fact>
          <Fact term="Header">
            <Code>{backend.headerName}</Code>
          </Fact>
        </>
      ) : (
        <>
          <Fact term="Mode">Managed identity</Fact>
          <Fact term="Token for">
            <Code>{backend.resource}</Code>
          </Fact>
          <Fact term="Identity">{backend.clientId ? <Code>{backend.clientId}</Code> : "system-assigned"}</Fact>
        </>
      )}
      {backend.delivery === "backend" ? (
        <>
          <Fact term="Delivered by">APIM backend entity</Fact>
          <Fact term="Backend id">
            <Code>{backend.backendId}</Code>
          </Fact>
          <Fact term="Backend URL">
            <Code>{backend.backendUrl}</Code>
          </Fact>
        </>
      ) : (
        <Fact term="Delivered by">
          {backend.mode === "apiKey" ? "the policy (set-header)" : "the policy (authentication-managed-identity)"}
        </Fact>
      )}
    </Facts>
  );
}

export function CallerAuthSummary({
  caller,
  probeClientId = null,
}: {
  caller: CallerAuth;
  probeClientId?: string | null;
}) {
  if (caller.mode === "none") return <p className="mt-2 text-sm">None: APIM does not validate caller tokens.</p>;
  return (
    <Facts>
      {caller.mode === "entra" ? (
        <>
          <Fact term="Mode">Microsoft Entra token (validate-azure-ad-token)</Fact>
          <Fact term="Tenant">
            <Code>{caller.tenantId}</Code>
          </Fact>
          <Fact term="Client applications">
            <List
              items={caller.clientApplicationIds}
              note={(item) =>
                probeClientId !== null && item.toLowerCase() === probeClientId.toLowerCase() ? "Portcullis probe" : null
              }
            />
          </Fact>
          <Fact term="Audiences">
            {caller.audiences.length ? (
              <List items={caller.audiences} />
            ) : (
              "any audience issued for the client applications"
            )}
          </Fact>
        </>
      ) : (
        <>
          <Fact term="Mode">JSON Web Token (validate-jwt)</Fact>
          <Fact term="OpenID configuration">
            <Code>{caller.openIdConfigUrl}</Code>
          </Fact>
          <Fact term="Issuers">
            <List items={caller.issuers} />
          </Fact>
          <Fact term="Audiences">
            <List items={caller.audiences} />
          </Fact>
        </>
      )}
      <Fact term="Required claims">
        {caller.requiredClaims.length ? <ClaimList claims={caller.requiredClaims} /> : "none"}
      </Fact>
      <Fact term="When validation fails">
        {caller.failedValidation
          ? `${caller.failedValidation.httpCode ?? 401} ${caller.failedValidation.message ?? "(APIM's message)"}`
          : "401 with APIM's message"}
      </Fact>
    </Facts>
  );
}

function ClaimList({ claims }: { claims: RequiredClaim[] }) {
  return (
    <ul className="space-y-1">
      {claims.map((claim, index) => (
        <li key={index}>
          <Code>{claim.name}</Code> must hold {claim.match === "all" ? "all of" : "any of"}{" "}
          <List items={claim.values} inline />
          {claim.separator ? (
            <>
              {" "}
              (split on <Code>{JSON.stringify(claim.separator)}</Code>)
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

function Facts({ children }: { children: ReactNode }) {
  return <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">{children}</dl>;
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-slate-600">{term}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function Code({ children }: { children: ReactNode }) {
  return <code className="break-all rounded bg-slate-100 px-1 font-mono text-xs">{children}</code>;
}

function List({
  items,
  inline = false,
  note = () => null,
}: {
  items: string[];
  inline?: boolean;
  /** Words shown after an item, e.g. whose client id it is. */
  note?: (item: string) => string | null;
}) {
  if (inline)
    return items.map((item, index) => (
      <span key={index}>
        {index > 0 ? ", " : ""}
        <Code>{item}</Code>
      </span>
    ));
  return (
    <ul>
      {items.map((item, index) => (
        <li key={index}>
          <Code>{item}</Code>
          {note(item) ? <span className="text-xs text-slate-600"> ({note(item)})</span> : null}
        </li>
      ))}
    </ul>
  );
}
