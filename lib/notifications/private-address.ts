import { BlockList, isIP } from "node:net";

/**
 * Addresses a webhook must never reach: Portcullis itself, the cloud's metadata service and
 * everything on the private side of the network. IPv4 mapped, compatible and translated into
 * IPv6 (::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d, 2002:ab:cd::) are judged by the IPv4 address
 * inside, so a private address cannot hide in an IPv6 form.
 */
const v4 = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const)
  v4.addSubnet(net, prefix, "ipv4");

const v6 = new BlockList();
for (const [net, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["100::", 64], // discard
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed by some)
  ["ff00::", 8], // multicast
] as const)
  v6.addSubnet(net, prefix, "ipv6");

/** Why `address` (an IP literal) is refused, or null when it is a public address. */
export function privateAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 0) return "is not an IP address";
  if (family === 4) return v4.check(address, "ipv4") ? "is a loopback, link-local, private or reserved address" : null;
  const embedded = embeddedIpv4(address);
  if (embedded !== null) return privateAddressReason(embedded);
  return v6.check(address, "ipv6") ? "is a loopback, link-local, unique-local or reserved address" : null;
}

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or null. */
function embeddedIpv4(address: string): string | null {
  const words = expandIpv6(address);
  const asV4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated); :: and ::1 themselves are not.
  if (zero(0, 5) && (words[5] === 0xffff || (words[5] === 0 && (words[6] !== 0 || words[7]! > 1))))
    return asV4(words[6]!, words[7]!);
  // 64:ff9b::a.b.c.d and 64:ff9b:1::/48 (NAT64).
  if (words[0] === 0x64 && words[1] === 0xff9b) return asV4(words[6]!, words[7]!);
  // 2002:abcd:efgh::/16 (6to4) carries a.b.c.d in its second and third words.
  if (words[0] === 0x2002) return asV4(words[1]!, words[2]!);
  return null;
}

/** The eight 16-bit words of an IPv6 address (with or without an embedded dotted IPv4). */
function expandIpv6(address: string): number[] {
  let text = address.replace(/%.*$/, "");
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::") as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(":").map((w) => parseInt(w, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  if (tail === undefined) return left;
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}
