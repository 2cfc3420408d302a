/** A node's IPv4 addresses by interface, from iproute2's JSON (`ip -j -4 addr show`). */
import { z } from "zod";
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { parseJsonOutput, requireSuccess, runProbe, type Probed } from "./probe.js";

export const INTERFACE_ADDRESSES_COMMAND = ["ip", "-j", "-4", "addr", "show"] as const;

export interface InterfaceAddress {
  readonly interface: string;
  readonly address: string;
}

const linkSchema = z.looseObject({
  ifname: z.string().min(1),
  addr_info: z.array(z.looseObject({ family: z.string().optional(), local: z.string().optional() })).default([]),
});

/** Parses `ip -j -4 addr show` (iproute2 6.1): one entry per address, with its interface. */
export function parseInterfaceAddresses(result: CommandResult): InterfaceAddress[] {
  requireSuccess(result);
  const stdout = result.stdout.trim() === "" ? "[]" : result.stdout;
  return parseJsonOutput(stdout, z.array(linkSchema)).flatMap((link) =>
    link.addr_info.flatMap((a) => (a.local !== undefined && (a.family ?? "inet") === "inet" ? [{ interface: link.ifname, address: a.local }] : [])),
  );
}

/** The node's IPv4 addresses, each with its interface. */
export function interfaceAddresses(runner: CommandRunner): Promise<Probed<InterfaceAddress[]>> {
  return runProbe(runner, INTERFACE_ADDRESSES_COMMAND, parseInterfaceAddresses, { timeoutMs: 10_000 });
}
