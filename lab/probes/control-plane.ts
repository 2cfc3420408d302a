/**
 * Kubernetes control-plane probes over kubectl: the API server's readiness checks
 * (`kubectl get --raw /readyz?verbose`, one `[+]name ok` line per check), the address it advertises
 * for itself (the `kubernetes` service's EndpointSlice in `default`, a discovery.k8s.io/v1 list,
 * which the API server writes) and the leader leases of the controller manager and the scheduler
 * (coordination.k8s.io/v1 Leases in kube-system). Fixtures captured from Kubernetes v1.34.4 on the
 * embedded lab.
 */
import { z } from "zod";
import type { CommandResult, CommandRunner } from "../transport/runner.js";
import { commandFailed, parseJsonOutput, requireSuccess, runProbe, type Probed } from "./probe.js";

export const READYZ_COMMAND = ["kubectl", "get", "--raw", "/readyz?verbose"] as const;
export const API_ENDPOINTS_COMMAND = ["kubectl", "get", "endpointslices", "--namespace=default", "--selector=kubernetes.io/service-name=kubernetes", "-o", "json"] as const;
export const CONTROL_PLANE_LEASES_COMMAND = ["kubectl", "get", "leases", "--namespace=kube-system", "-o", "json"] as const;

/** One of the API server's readiness checks. */
export interface ReadinessCheck {
  readonly name: string;
  readonly ok: boolean;
}

/**
 * Parses /readyz?verbose: `[+]etcd ok`, `[-]etcd failed: reason withheld`, then `readyz check
 * passed` (or failed). kubectl exits 1 when the API server answers 500 (not ready): its checks
 * are then in the response body that kubectl quotes on stderr.
 */
export function parseReadyz(result: CommandResult): ReadinessCheck[] {
  // kubectl quotes the body of a 500 on one line of stderr, its newlines escaped.
  const text = `${result.stdout}\n${result.stderr.replaceAll("\\n", "\n")}`;
  const checks = [...text.matchAll(/\[([+-])\]([\w:./-]+) (ok|failed)/g)].map((m) => ({ name: m[2] ?? "", ok: m[1] === "+" }));
  if (checks.length === 0) throw result.exitCode === 0 ? commandFailed({ ...result, exitCode: 1, stderr: "no readiness check in /readyz?verbose" }) : commandFailed(result);
  return checks;
}

export function readinessChecks(kubectl: CommandRunner): Promise<Probed<ReadinessCheck[]>> {
  return runProbe(kubectl, READYZ_COMMAND, parseReadyz, { timeoutMs: 30_000 });
}

/** An address and port the API server advertises for itself. */
export interface ApiEndpoint {
  readonly address: string;
  readonly port: number | undefined;
}

const sliceSchema = z.looseObject({
  endpoints: z.array(z.looseObject({ addresses: z.array(z.string()) })).nullish(),
  ports: z.array(z.looseObject({ name: z.string().optional(), port: z.number().optional() })).nullish(),
});

/** Parses the `kubernetes` service's EndpointSlices: every address, with the https port. */
export function parseApiEndpoints(result: CommandResult): ApiEndpoint[] {
  requireSuccess(result);
  return parseJsonOutput(result.stdout, z.looseObject({ items: z.array(sliceSchema) })).items.flatMap((slice) => {
    const port = (slice.ports ?? []).find((p) => p.name === "https")?.port ?? slice.ports?.[0]?.port;
    return (slice.endpoints ?? []).flatMap((e) => e.addresses.map((address) => ({ address, port })));
  });
}

export function apiEndpoints(kubectl: CommandRunner): Promise<Probed<ApiEndpoint[]>> {
  return runProbe(kubectl, API_ENDPOINTS_COMMAND, parseApiEndpoints, { timeoutMs: 30_000 });
}

/** A leader lease: who holds it, and when they last renewed it. */
export interface Lease {
  readonly name: string;
  readonly holder: string | undefined;
  readonly renewed: Date | undefined;
  readonly durationSeconds: number | undefined;
}

const leaseSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1) }),
  spec: z.looseObject({ holderIdentity: z.string().optional(), renewTime: z.string().optional(), leaseDurationSeconds: z.number().optional() }),
});

/** Parses `kubectl get leases -o json`. */
export function parseLeases(result: CommandResult): Lease[] {
  requireSuccess(result);
  return parseJsonOutput(result.stdout, z.looseObject({ items: z.array(leaseSchema) })).items.map((l) => ({
    name: l.metadata.name,
    holder: l.spec.holderIdentity || undefined,
    renewed: l.spec.renewTime === undefined ? undefined : new Date(l.spec.renewTime),
    durationSeconds: l.spec.leaseDurationSeconds,
  }));
}

export function controlPlaneLeases(kubectl: CommandRunner): Promise<Probed<Lease[]>> {
  return runProbe(kubectl, CONTROL_PLANE_LEASES_COMMAND, parseLeases, { timeoutMs: 30_000 });
}
