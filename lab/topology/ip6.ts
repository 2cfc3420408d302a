/**
 * Minimal IPv6 arithmetic for the dual-stack address plan: parse, contain, format (RFC 5952's
 * compressed form, which is how iproute2 and FRR print addresses, so the model's strings compare
 * equal to what the probes read).
 */
import { isIPv6 } from "node:net";
import type { Cidr } from "./ip.js";

const BITS = 128n;

/** True when `text` is an IPv6 address (no prefix length, no zone). */
export function isIpv6(text: string): boolean {
  return !text.includes("%") && isIPv6(text);
}

/** The address as a 128-bit number. */
export function ip6ToBigInt(ip: string): bigint {
  const [head = "", tail] = ip.split("::");
  const groups = (part: string) => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return all.reduce((n, g) => (n << 16n) + BigInt(Number.parseInt(g, 16)), 0n);
}

/** RFC 5952: lower case, leading zeros dropped, the longest run of two or more zero groups as "::". */
export function bigIntToIp6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length && j - i >= 2) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.start < 0) return hex.join(":");
  return `${hex.slice(0, best.start).join(":")}::${hex.slice(best.start + best.length).join(":")}`;
}

/** Parses "2001:db8::1/64"; undefined when malformed. */
export function parseCidr6(text: string): Cidr | undefined {
  const [address, length, ...rest] = text.split("/");
  if (rest.length > 0 || address === undefined || length === undefined) return undefined;
  if (!isIpv6(address) || !/^\d{1,3}$/.test(length)) return undefined;
  const prefixLength = Number(length);
  return prefixLength <= 128 ? { address, prefixLength } : undefined;
}

const hostBits = (cidr: Cidr) => BITS - BigInt(cidr.prefixLength);

/** The network number of an IPv6 CIDR, compressed, as "2001:db8::/64". */
export function networkOf6(cidr: Cidr): string {
  const bits = hostBits(cidr);
  return `${bigIntToIp6((ip6ToBigInt(cidr.address) >> bits) << bits)}/${cidr.prefixLength}`;
}

/** True when `ip` lies inside the IPv6 `cidr`. */
export function contains6(cidr: Cidr, ip: string): boolean {
  const bits = hostBits(cidr);
  return ip6ToBigInt(ip) >> bits === ip6ToBigInt(cidr.address) >> bits;
}

/** The address `offset` places after the network number of `cidr`, compressed. */
export function nthAddress6(cidr: Cidr, offset: bigint): string {
  const bits = hostBits(cidr);
  return bigIntToIp6(((ip6ToBigInt(cidr.address) >> bits) << bits) + offset);
}

/** The address in the compressed form FRR and iproute2 print. */
export function canonical6(ip: string): string {
  return bigIntToIp6(ip6ToBigInt(ip));
}
