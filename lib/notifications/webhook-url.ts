import { lookup } from "node:dns/promises";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import { getConfig } from "../env";
import { AppError } from "../errors";
import { privateAddressReason } from "./private-address";

/**
 * Where a webhook may send: https only, to hosts whose every address is public. Checked when a
 * webhook is registered or changed (400 naming the field) and again at every delivery, where the
 * connection goes to the very address that was checked (`publicOnlyLookup`), so a name that
 * resolves elsewhere later (DNS rebinding) reaches nothing private. In sandbox mode the
 * simulator's own receiver (on loopback) is the one exception.
 */
export async function checkWebhookUrl(url: string, field: string): Promise<void> {
  const problem = await webhookUrlProblem(url);
  if (problem !== null)
    throw new AppError("bad_request", `The webhook is not valid: ${field} ${problem}.`, {
      fields: [{ path: field, message: problem }],
    });
}

/** Why Portcullis will not send to `url`, or null. */
export async function webhookUrlProblem(url: string): Promise<string | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "must be an absolute https:// URL";
  }
  if (isSandboxReceiver(parsed)) return null;
  if (parsed.protocol !== "https:") return "must be an https:// URL";
  if (parsed.username !== "" || parsed.password !== "") return "must not carry a user name or password";
  const host = hostOf(parsed);
  if (isIP(host) !== 0) {
    const reason = privateAddressReason(host);
    return reason === null ? null : `must not point at ${host}, which ${reason}`;
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return `must name a host that resolves (${host} does not)`;
  }
  for (const { address } of addresses) {
    const reason = privateAddressReason(address);
    if (reason !== null)
      return `must not resolve to a private address (${host} resolves to ${address}, which ${reason})`;
  }
  return null;
}

/** The simulator's receiver, in sandbox mode only (the setting exists only there). */
export function isSandboxReceiver(url: URL): boolean {
  const receiver = getConfig().sandboxWebhookReceiver;
  return receiver !== undefined && url.href.startsWith(receiver) && url.username === "" && url.password === "";
}

/** The host of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * A `lookup` for the delivery's connection: resolves the name and refuses it when any address is
 * private, so the socket connects only to an address that passed the check at this moment.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { all: true, verbatim: true, family: options.family as 0 | 4 | 6 | undefined }).then(
    (addresses) => {
      const refused = addresses.find(({ address }) => privateAddressReason(address) !== null);
      if (refused || addresses.length === 0) {
        const error = Object.assign(
          new Error(`${hostname} resolves to ${refused?.address ?? "nothing"}, a private address: not sent`),
          { code: "EPRIVATEADDRESS" },
        );
        callback(error as NodeJS.ErrnoException, "", 0);
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    },
    (error: NodeJS.ErrnoException) => callback(error, "", 0),
  );
};
