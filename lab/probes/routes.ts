/** The kernel's IPv4 main routing table, from iproute2's JSON (`ip -j route`). */
import { z } from "zod";
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { parseJsonOutput, requireSuccess, runProbe, type Probed } from "./probe.js";

/** IPv4, main table: the routes the node forwards with. */
export const KERNEL_ROUTES_COMMAND = ["ip", "-j", "route", "show"] as const;

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

const nextHopSchema = z.looseObject({
  gateway: z.ipv4().optional(),
  via: viaSchema.optional(),
  dev: z.string().min(1),
});

const routeSchema = z.looseObject({
  dst: z.string().min(1),
  type: z.string().optional(),
  protocol: z.string().optional(),
  gateway: z.ipv4().optional(),
  via: viaSchema.optional(),
  dev: z.string().optional(),
  metric: z.number().int().optional(),
  prefsrc: z.ipv4().optional(),
  // ECMP: iproute2 prints the legs here instead of gateway/dev at the top level.
  nexthops: z.array(nextHopSchema).min(1).optional(),
});

/** "default" -> "0.0.0.0/0", "172.16.255.1" -> "172.16.255.1/32", a CIDR stays as it is. */
export function normalizeDestination(dst: string): string {
  if (dst === "default") return "0.0.0.0/0";
  return dst.includes("/") ? dst : `${dst}/32`;
}

/** Parses `ip -j route show` (iproute2 6.1). */
export function parseKernelRoutes(result: CommandResult): KernelRoute[] {
  requireSuccess(result);
  // iproute2 prints nothing at all (not "[]") for an empty table.
  const stdout = result.stdout.trim() === "" ? "[]" : result.stdout;
  return parseJsonOutput(stdout, z.array(routeSchema)).map((route): KernelRoute => {
    const nexthops: KernelNextHop[] =
      route.nexthops?.map((hop) => ({ gateway: hop.gateway ?? hop.via?.host, dev: hop.dev })) ??
      (route.dev === undefined ? [] : [{ gateway: route.gateway ?? route.via?.host, dev: route.dev }]);
    return {
      dst: normalizeDestination(route.dst),
      protocol: route.protocol ?? "boot",
      type: route.type ?? "unicast",
      nexthops,
      metric: route.metric,
      prefsrc: route.prefsrc,
    };
  });
}

/** The node's IPv4 main routing table. */
export function kernelRoutes(runner: CommandRunner): Promise<Probed<KernelRoute[]>> {
  return runProbe(runner, KERNEL_ROUTES_COMMAND, parseKernelRoutes, { timeoutMs: 10_000 });
}
