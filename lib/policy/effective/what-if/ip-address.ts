/** IPv4 and IPv6 addresses as numbers, to compare them and test ranges (ip-filter). */

export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

export function parseIpAddress(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  return trimmed.includes(":") ? parseIpv6(trimmed) : parseIpv4(trimmed);
}

function parseIpv4(text: string): IpAddress | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
  return { family: 4, value: parts.reduce((sum, part) => (sum << 8n) + BigInt(Number(part)), 0n) };
}

function parseIpv6(text: string): IpAddress | undefined {
  let address = text;
  // An embedded IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (tail !== null) {
    const ipv4 = parseIpv4(tail[1] as string);
    if (ipv4 === undefined) return undefined;
    const high = (ipv4.value >> 16n).toString(16);
    const low = (ipv4.value & 0xffffn).toString(16);
    address = `${address.slice(0, tail.index)}${high}:${low}`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined) => (half === undefined || half === "" ? [] : half.split(":"));
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill("0"), ...rest];
  if (all.some((group) => !/^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return { family: 6, value: all.reduce((sum, group) => (sum << 16n) + BigInt(parseInt(group, 16)), 0n) };
}
