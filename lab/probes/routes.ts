/** The kernel's IPv4 main routing table, from iproute2's JSON (`ip -j route`). */
import { z } from "zod";
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { parseJsonOutput, requireSuccess, runProbe, type Probed } from "./probe.js";

/** IPv4, main table: the routes the node forwards with. */
export const KERNEL_ROUTES_COMMAND = ["ip", "-j", "route", "show"] as const;
/** IPv6, main table (dual stack). */
export const KERNEL_ROUTES6_COMMAND = ["ip", "-6", "-j", "route", "show"] as const;

/** The address families a kernel route table is read for. */
export type RouteFamily = "ipv4" | "ipv6";

export const kernelRoutesCommand = (family: RouteFamily) => (family === "ipv6" ? KERNEL_ROUTES6_COMMAND : KERNEL_ROUTES_COMMAND);

export interface KernelNextHop {
  /** Absent for a directly connected route. */
  readonly gateway: string | undefined;
  readonly dev: string;
}

export interface KernelRoute {
  /** Always CIDR: "0.0.0.0/0" for default, "172.16.255.1/32" for a host route. */
  readonly dst: string;
  /** "bgp", "kernel", "static", ...; "boot" when iproute2 prints none (its default, e.g. `ip route add`). */
  readonly protocol: string;
  /** "unicast" unless iproute2 says otherwise ("blackhole", "unreachable", ...). */
  readonly type: string;
  /** One entry for a plain route, several for ECMP, none for blackhole-like routes. */
  readonly nexthops: readonly KernelNextHop[];
  readonly metric: number | undefined;
  readonly prefsrc: string | undefined;
}

// An IPv4 route over an IPv6 next hop (RFC 8950, BGP unnumbered): iproute2 prints the gateway
// as {"via": {"family": "inet6", "host": "fe80::..."}} instead of "gateway".
const viaSchema = z.looseObject({ family: z.string(), host: z.string().min(1) });

const address = z.union([z.ipv4(), z.ipv6()]);

const nextHopSchema = z.looseObject({
  gateway: address.optional(),
  via: viaSchema.optional(),
  dev: z.string().min(1),
});

const routeSchema = z.looseObject({
  dst: z.string().min(1),
  type: z.string().optional(),
  protocol: z.string().optional(),
  gateway: address.optional(),
  via: viaSchema.optional(),
  dev: z.string().optional(),
  metric: z.number().int().optional(),
  prefsrc: address.optional(),
  // ECMP: iproute2 prints the legs here instead of gateway/dev at the top level.
  nexthops: z.array(nextHopSchema).min(1).optional(),
});

/** "default" -> "0.0.0.0/0" ("::/0" in IPv6), "172.16.255.1" -> "172.16.255.1/32" ("2001:db8::1" -> /128), a CIDR stays as it is. */
export function normalizeDestination(dst: string, family: RouteFamily = "ipv4"): string {
  if (dst === "default") return family === "ipv6" ? "::/0" : "0.0.0.0/0";
  if (dst.includes("/")) return dst;
  return dst.includes(":") ? `${dst}/128` : `${dst}/32`;
}

/** Parses `ip -j route show` or `ip -6 -j route show` (iproute2 6.1). */
export function parseKernelRoutes(result: CommandResult, family: RouteFamily = "ipv4"): KernelRoute[] {
  requireSuccess(result);
  // iproute2 prints nothing at all (not "[]") for an empty table.
  const stdout = result.stdout.trim() === "" ? "[]" : result.stdout;
  return parseJsonOutput(stdout, z.array(routeSchema)).map((route): KernelRoute => {
    const nexthops: KernelNextHop[] =
      route.nexthops?.map((hop) => ({ gateway: hop.gateway ?? hop.via?.host, dev: hop.dev })) ??
      (route.dev === undefined ? [] : [{ gateway: route.gateway ?? route.via?.host, dev: route.dev }]);
    return {
      dst: normalizeDestination(route.dst, family),
      protocol: route.protocol ?? "boot",
      type: route.type ?? "unicast",
      nexthops,
      metric: route.metric,
      prefsrc: route.prefsrc,
    };
  });
}

/** The node's main routing table of one family (IPv4 unless told). */
export function kernelRoutes(runner: CommandRunner, family: RouteFamily = "ipv4"): Promise<Probed<KernelRoute[]>> {
  return runProbe(runner, kernelRoutesCommand(family), (r) => parseKernelRoutes(r, family), { timeoutMs: 10_000 });
}

/** The main routing tables of every family given, one after the other in one list. */
export async function kernelRoutesOf(runner: CommandRunner, families: readonly RouteFamily[]): Promise<KernelRoute[]> {
  const tables = await Promise.all(families.map(async (f) => (await kernelRoutes(runner, f)).value));
  return tables.flat();
}
