/** Minimal IPv4 arithmetic for the address plan: parse, contain, format. */

export interface Cidr {
  readonly address: string;
  readonly prefixLength: number;
}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** True when `text` is a dotted-quad IPv4 address. */
export function isIpv4(text: string): boolean {
  const parts = text.split(".");
  return parts.length === 4 && parts.every((p) => OCTET.test(p));
}

/** The address as a 32-bit unsigned number. */
export function ipToNumber(ip: string): number {
  return ip.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

export function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/** Parses "a.b.c.d/len"; undefined when malformed. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, length, ...rest] = text.split("/");
  if (rest.length > 0 || address === undefined || length === undefined) return undefined;
  if (!isIpv4(address) || !/^\d{1,2}$/.test(length)) return undefined;
  const prefixLength = Number(length);
  return prefixLength <= 32 ? { address, prefixLength } : undefined;
}

/** The network number of a CIDR, as "a.b.c.d/len". */
export function networkOf(cidr: Cidr): string {
  const size = 2 ** (32 - cidr.prefixLength);
  const base = Math.floor(ipToNumber(cidr.address) / size) * size;
  return `${numberToIp(base)}/${cidr.prefixLength}`;
}

/** True when `ip` lies inside `cidr`. */
export function contains(cidr: Cidr, ip: string): boolean {
  const size = 2 ** (32 - cidr.prefixLength);
  return Math.floor(ipToNumber(ip) / size) === Math.floor(ipToNumber(cidr.address) / size);
}

/** True when the address is the network number or broadcast of a subnet wider than /31. */
export function isNetworkOrBroadcast(cidr: Cidr, ip: string): boolean {
  if (cidr.prefixLength >= 31) return false;
  const size = 2 ** (32 - cidr.prefixLength);
  const offset = ipToNumber(ip) % size;
  return offset === 0 || offset === size - 1;
}
