import type { BackendAuth, CallerAuth } from "@/lib/policy/profile-schema";

/**
 * The access profile editor's state: every field of every mode as text, so switching a mode
 * back and forth loses nothing, and list items with stable keys, so inputs keep their identity
 * (and their errors) when other items are added or removed.
 */
export interface ListItem {
  key: string;
  value: string;
}

export interface ClaimModel {
  key: string;
  name: string;
  match: "all" | "any";
  separator: string;
  values: ListItem[];
}

export interface ProfileModel {
  backendAuth: {
    mode: "apiKey" | "managedIdentity" | "none";
    /** `policy`: set-header / authentication-managed-identity in the policy; `backend`: an APIM backend entity. */
    delivery: "policy" | "backend";
    namedValue: string;
    headerName: string;
    resource: string;
    clientId: string;
    backendId: string;
    backendUrl: string;
  };
  callerAuth: {
    mode: "none" | "entra" | "jwt";
    tenantId: string;
    clientApplicationIds: ListItem[];
    openIdConfigUrl: string;
    issuers: ListItem[];
    /** Shared by entra and jwt, as in the profile. */
    audiences: ListItem[];
    requiredClaims: ClaimModel[];
    failedValidation: { httpCode: string; message: string };
  };
}

/** Keys for items that exist when the page is rendered: deterministic, so server and browser agree. */
const items = (values: readonly string[] | undefined, prefix: string): ListItem[] =>
  (values ?? []).map((value, index) => ({ key: `${prefix}${index}`, value }));

/** The editor's state for a profile, or for the halves of one that are known (null: start from defaults). */
export function modelFromProfile(
  profile: { backendAuth: BackendAuth | null; callerAuth: CallerAuth | null } | null,
): ProfileModel {
  const backend = profile?.backendAuth ?? { mode: "none" as const };
  const caller = profile?.callerAuth ?? { mode: "none" as const };
  return {
    backendAuth: {
      mode: backend.mode,
      delivery: backend.mode !== "none" && backend.delivery === "backend" ? "backend" : "policy",
      namedValue: backend.mode === "apiKey" ? backend.namedValue : "",
      headerName: backend.mode === "apiKey" ? backend.headerName : "api-key",
      resource: backend.mode === "managedIdentity" ? backend.resource : "https://cognitiveservices.azure.com",
      clientId: backend.mode === "managedIdentity" ? (backend.clientId ?? "") : "",
      backendId: backend.mode !== "none" && backend.delivery === "backend" ? backend.backendId : "",
      backendUrl: backend.mode !== "none" && backend.delivery === "backend" ? backend.backendUrl : "",
    },
    callerAuth: {
      mode: caller.mode,
      tenantId: caller.mode === "entra" ? caller.tenantId : "",
      // A list that needs at least one item starts with an empty one to type into.
      clientApplicationIds: items(caller.mode === "entra" ? caller.clientApplicationIds : [""], "app"),
      openIdConfigUrl: caller.mode === "jwt" ? caller.openIdConfigUrl : "",
      issuers: items(caller.mode === "jwt" ? caller.issuers : [""], "iss"),
      audiences: items(caller.mode === "none" ? [] : caller.audiences, "aud"),
      requiredClaims: (caller.mode === "none" ? [] : caller.requiredClaims).map((claim, index) => ({
        key: `claim${index}`,
        name: claim.name,
        match: claim.match,
        separator: claim.separator ?? "",
        values: items(claim.values, `claim${index}v`),
      })),
      failedValidation: {
        httpCode:
          caller.mode !== "none" && caller.failedValidation?.httpCode !== undefined
            ? String(caller.failedValidation.httpCode)
            : "",
        message: caller.mode !== "none" ? (caller.failedValidation?.message ?? "") : "",
      },
    },
  };
}

/**
 * The profile JSON the editor sends: only the fields of the chosen modes, text trimmed, empty
 * optional fields left out. Empty list items are sent as they are, so the server's error for
 * `…[i]` points at the item the user sees.
 */
export function profileFromModel(model: ProfileModel): unknown {
  return { backendAuth: backendFromModel(model.backendAuth), callerAuth: callerFromModel(model.callerAuth) };
}

function backendFromModel(b: ProfileModel["backendAuth"]): unknown {
  const viaBackend = b.delivery === "backend" ? { backendId: b.backendId.trim(), backendUrl: b.backendUrl.trim() } : {};
  if (b.mode === "apiKey") {
    return {
      mode: "apiKey",
      namedValue: b.namedValue.trim(),
      headerName: b.headerName.trim(),
      delivery: b.delivery === "backend" ? "backend" : "setHeader",
      ...viaBackend,
    };
  }
  if (b.mode === "managedIdentity") {
    return {
      mode: "managedIdentity",
      resource: b.resource.trim(),
      ...optional("clientId", b.clientId),
      delivery: b.delivery,
      ...viaBackend,
    };
  }
  return { mode: "none" };
}

function callerFromModel(c: ProfileModel["callerAuth"]): unknown {
  if (c.mode === "none") return { mode: "none" };
  const values = (list: ListItem[]) => list.map((item) => item.value.trim());
  const common = {
    audiences: values(c.audiences),
    requiredClaims: c.requiredClaims.map((claim) => ({
      name: claim.name.trim(),
      match: claim.match,
      ...optional("separator", claim.separator, false),
      values: values(claim.values),
    })),
    ...failedValidationFromModel(c.failedValidation),
  };
  if (c.mode === "entra")
    return {
      mode: "entra",
      tenantId: c.tenantId.trim(),
      clientApplicationIds: values(c.clientApplicationIds),
      ...common,
    };
  return { mode: "jwt", openIdConfigUrl: c.openIdConfigUrl.trim(), issuers: values(c.issuers), ...common };
}

function failedValidationFromModel({ httpCode, message }: ProfileModel["callerAuth"]["failedValidation"]) {
  if (httpCode.trim() === "" && message.trim() === "") return {};
  // A code that is not a whole number is sent as typed, for the server to say so next to the field.
  const code = /^\d+$/.test(httpCode.trim()) ? Number(httpCode.trim()) : httpCode.trim() || undefined;
  return { failedValidation: { ...(code === undefined ? {} : { httpCode: code }), ...optional("message", message) } };
}

/** `{ [name]: value }` when the field was filled in, `{}` when left empty. A separator may be a space, so it is not trimmed. */
function optional(name: string, value: string, trim = true): Record<string, string> {
  const text = trim ? value.trim() : value;
  return text === "" ? {} : { [name]: text };
}

/** What the editor shows as one field: a path of model keys, list items by their key. */
const CONTAINERS: Record<string, string> = {
  backendAuth: "backendAuth.mode",
  callerAuth: "callerAuth.mode",
  "callerAuth.failedValidation": "callerAuth.failedValidation.httpCode",
};

/**
 * The editor field a server error path belongs to: `callerAuth.clientApplicationIds[1]` is
 * the input of the item that was second when the form was sent. Null when the error is about
 * the whole profile.
 */
export function fieldKeyOf(path: string, sent: ProfileModel): string | null {
  if (path in CONTAINERS) return CONTAINERS[path]!;
  const tokens = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] === undefined ? m[1]! : Number(m[2])));
  if (tokens.length === 0 || (tokens[0] !== "backendAuth" && tokens[0] !== "callerAuth")) return null;
  const keys: string[] = [];
  let node: unknown = sent;
  for (const token of tokens) {
    if (typeof token === "number") {
      const item = Array.isArray(node) ? (node[token] as { key: string } | undefined) : undefined;
      if (!item) break;
      keys.push(item.key);
      node = item;
    } else {
      keys.push(token);
      node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[token] : undefined;
    }
  }
  return keys.join(".");
}

/** The DOM id of an editor field. */
export function fieldDomId(fieldKey: string): string {
  return `pf-${fieldKey.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}
