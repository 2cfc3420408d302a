/**
 * Every way an SSH connection fails, as one SshError (a LabError: the lab is broken) whose message
 * starts with the node and says the cause in one line, with a fix-it hint. No message carries a
 * secret: only key paths and the names of password variables are ever printed.
 */
import { LabError } from "../../errors.js";
import { describeEndpoint, expandHome, knownHostsFiles, type SshEndpoint } from "./endpoint.js";
import type { HostKeyVerdict } from "./known-hosts.js";

/** Why a node could not be reached or kept: preflight turns each into a fix-it hint. */
export type SshFailure = "unreachable" | "timeout" | "auth" | "host-key" | "proxy" | "dropped" | "config";

/** A node could not be reached over SSH, or its connection broke: the lab is broken. */
export class SshError extends LabError {
  constructor(
    readonly node: string,
    readonly failure: SshFailure,
    /** The cause in one line, without the node name. */
    readonly detail: string,
    options: { cause?: unknown; hint?: string } = {},
  ) {
    super(`${node}: ${detail}`, options);
  }
}

/** What a proxy command said when it ended: its exit says more than the closed socket does. */
export interface ProxyEnd {
  readonly display: string;
  exitCode(): number | undefined;
  stderrLine(): string | undefined;
}

/** One line for a failed connection attempt: the host key verdict first, then the proxy's end, then ssh2's error. */
export function classify(endpoint: SshEndpoint, error: Error & { level?: string; code?: string }, verdict: HostKeyVerdict | undefined, proxy: ProxyEnd | undefined): SshError {
  const where = describeEndpoint(endpoint);
  if (verdict && !verdict.ok) {
    const files = knownHostsFiles(endpoint).map(expandHome).join(" or ");
    const name = endpoint.port === 22 ? endpoint.host : `[${endpoint.host}]:${endpoint.port}`;
    if (verdict.reason === "unknown") {
      return new SshError(endpoint.node, "host-key", `host key unknown: ${files} lists no key for ${name} (it presented ${verdict.presented})`, {
        hint: `check that fingerprint out of band, then add the key to ${files} (ssh-keyscan -p ${endpoint.port} ${endpoint.host})`,
      });
    }
    return new SshError(
      endpoint.node,
      "host-key",
      `host key ${verdict.reason === "revoked" ? "revoked" : "mismatch"}: it presented ${verdict.presented}, ${files} expects ${verdict.expected.join(" or ") || "(none)"} for ${name}`,
      { hint: `if the node was reinstalled on purpose, replace its key: ssh-keygen -R ${name} -f ${files.split(" or ")[0]}; otherwise treat it as an attack` },
    );
  }
  if (proxy && proxy.exitCode() !== undefined) {
    const said = proxy.stderrLine();
    const exit = proxy.exitCode();
    if (said) return new SshError(endpoint.node, /refused|unreachable|no route|timed out/i.test(said) ? "unreachable" : "proxy", `proxy command failed (exit ${exit}): ${said} (\`${proxy.display}\`)`, { hint: "run the proxy command by hand to see why it cannot connect" });
    return new SshError(endpoint.node, "unreachable", `unreachable: the proxy command exited (${exit}) before the SSH handshake (\`${proxy.display}\`)`, {
      hint: "is the node's sshd running and listening where the proxy command connects?",
    });
  }
  if (error.level === "client-authentication") {
    const methods = [endpoint.identityFile ? `key ${expandHome(endpoint.identityFile)}` : "", endpoint.agent ? "agent" : "", endpoint.passwordEnv ? `password from ${endpoint.passwordEnv}` : ""].filter(Boolean);
    return new SshError(endpoint.node, "auth", `authentication refused for ${endpoint.user} (tried ${methods.join(", ")}) at ${where}`, {
      hint: `authorize the key for ${endpoint.user} on the node (ssh-copy-id), or fix user/identityFile in the inventory`,
    });
  }
  if (error.level === "client-socket") {
    const code = error.code ?? "";
    if (code === "ETIMEDOUT") return new SshError(endpoint.node, "timeout", `connection timed out (${where})`, { cause: error });
    return new SshError(endpoint.node, "unreachable", `unreachable: ${code === "ECONNREFUSED" ? "connection refused" : code === "ENOTFOUND" || code === "EAI_AGAIN" ? "unknown host name" : messageOf(error)} (${where})`, {
      cause: error,
      hint: "is the node up, its sshd running, and host and port right in the inventory?",
    });
  }
  if (error.level === "client-timeout") return new SshError(endpoint.node, "timeout", `connection timed out: ${messageOf(error)} (${where})`, { cause: error });
  if (error.message === "Connection lost before handshake" || error.message === "proxy exited") {
    return new SshError(endpoint.node, "unreachable", `unreachable: the connection closed before the SSH handshake (${where})`, { cause: error });
  }
  return new SshError(endpoint.node, "unreachable", `SSH connection failed: ${messageOf(error)} (${where})`, { cause: error });
}

/** The connection under a session is gone (so a command that never started may go on a new one). */
export function isConnectionGone(error: unknown): boolean {
  return /Not connected|No response from server|socket|closed|ECONNRESET|EPIPE/i.test(messageOf(error));
}

/** The server refused one more session on this connection (sshd's MaxSessions). */
export function isSessionsExhausted(error: unknown): boolean {
  return /open failed|no more sessions/i.test(messageOf(error));
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
