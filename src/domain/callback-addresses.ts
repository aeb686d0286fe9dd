import { isIP } from "node:net";

/**
 * Why a callback may not reach this address, or null when it may: loopback, private, link-local,
 * CGNAT, cloud metadata, unspecified, multicast and reserved ranges, also when written as an
 * IPv4-mapped, IPv4-compatible or NAT64 IPv6 address.
 */
export function refusedAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, "");
  const family = isIP(bare);
  if (family === 4) return refusedIpv4(ipv4Bytes(bare));
  if (family === 6) return refusedIpv6(ipv6Bytes(bare));
  return "not an IP address";
}

type Range = [prefix: number[], bits: number, reason: string];

const IPV4_RANGES: Range[] = [
  [[0], 8, "unspecified"],
  [[10], 8, "private"],
  [[100, 64], 10, "carrier-grade NAT"],
  [[127], 8, "loopback"],
  [[169, 254, 169, 254], 32, "cloud metadata"],
  [[169, 254], 16, "link-local"],
  [[172, 16], 12, "private"],
  [[192, 0, 0], 24, "reserved"],
  [[192, 168], 16, "private"],
  [[198, 18], 15, "reserved"],
  [[224], 4, "multicast"],
  [[240], 4, "reserved"],
];

const IPV6_RANGES: Range[] = [
  [[0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54], 128, "cloud metadata"],
  [[0xfc], 7, "private"],
  [[0xfe, 0x80], 10, "link-local"],
  [[0xfe, 0xc0], 10, "site-local"],
  [[0xff], 8, "multicast"],
];

function inRange(bytes: number[], prefix: number[], bits: number): boolean {
  for (let bit = 0; bit < bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if (((bytes[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

function refusedIpv4(bytes: number[]): string | null {
  if (bytes.every((b) => b === 255)) return "broadcast";
  for (const [prefix, bits, reason] of IPV4_RANGES) if (inRange(bytes, prefix, bits)) return reason;
  return null;
}

function refusedIpv6(bytes: number[]): string | null {
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  if (zeros(0, 15) && bytes[15] === 0) return "unspecified";
  if (zeros(0, 15) && bytes[15] === 1) return "loopback";
  const embedded = bytes.slice(12);
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64) reach the IPv4 address.
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return refusedIpv4(embedded);
  if (zeros(0, 12)) return refusedIpv4(embedded);
  if (inRange(bytes, [0x00, 0x64, 0xff, 0x9b], 96)) return refusedIpv4(embedded);
  for (const [prefix, bits, reason] of IPV6_RANGES) if (inRange(bytes, prefix, bits)) return reason;
  return null;
}

function ipv4Bytes(address: string): number[] {
  return address.split(".").map(Number);
}

/** 16 bytes of a valid IPv6 address (as isIP accepts it: `::` and a dotted IPv4 tail allowed). */
function ipv6Bytes(address: string): number[] {
  const text = address
    .split("%")[0]!
    .replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) => `${((+a << 8) | +b).toString(16)}:${((+c << 8) | +d).toString(16)}`);
  const [head, rest] = text.includes("::") ? text.split("::") : [text, undefined];
  const groups = (part: string | undefined) => (part ? part.split(":") : []);
  const left = groups(head);
  const right = groups(rest);
  const all = [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return all.flatMap((g) => {
    const value = parseInt(g, 16);
    return [value >> 8, value & 0xff];
  });
}
