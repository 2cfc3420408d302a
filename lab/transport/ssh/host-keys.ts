/**
 * How a connection checks the host key it is shown: against the endpoint's known_hosts files (the
 * default), or not at all when the endpoint explicitly opts out, which is said once per node.
 */
import { existsSync } from "node:fs";
import { expandHome, knownHostsFiles, type SshEndpoint } from "./endpoint.js";
import { SshError, messageOf } from "./errors.js";
import { fingerprint, keyTypeOf, knownKeyTypes, readKnownHosts, verifyHostKey, type HostKeyVerdict, type KnownHostEntry } from "./known-hosts.js";

/** ssh2's host key algorithms, in its default order (lib/protocol/constants.js). */
const HOST_KEY_ALGORITHMS = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];

/** Nodes whose unverified host key was already reported: once per node and process. */
const warnedInsecure = new Set<string>();

export interface HostKeyCheck {
  readonly verify: (key: Buffer) => HostKeyVerdict;
  /** The host key algorithms to offer, those the files list for the host first; absent: ssh2's default. */
  readonly algorithms?: string[];
  /** The files read (or, when none exists, the files looked for). */
  readonly files: string[];
}

/** Reads the known_hosts files now (an unreadable one is an SshError before anything is started). */
export function hostKeyCheck(endpoint: SshEndpoint, warn: ((message: string) => void) | undefined): HostKeyCheck {
  if (endpoint.insecureIgnoreHostKey) {
    return {
      files: [],
      verify: (key) => {
        if (!warnedInsecure.has(endpoint.node)) {
          warnedInsecure.add(endpoint.node);
          const say = warn ?? ((m: string) => process.stderr.write(`fabricspec: warning: ${m}\n`));
          say(`${endpoint.node}: host key NOT verified (insecureIgnoreHostKey): it presented ${keyTypeOf(key)} ${fingerprint(key)}; anyone on the way to ${endpoint.host}:${endpoint.port} could pose as it`);
        }
        return { ok: true };
      },
    };
  }
  const files = knownHostsFiles(endpoint).map(expandHome);
  const entries: KnownHostEntry[] = [];
  const readable = files.filter((file) => existsSync(file));
  for (const file of readable) {
    try {
      entries.push(...readKnownHosts(file));
    } catch (error) {
      throw new SshError(endpoint.node, "config", `cannot read the known_hosts file ${file} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`);
    }
  }
  const known = knownKeyTypes(entries, endpoint.host, endpoint.port);
  const preferred = known.flatMap((type) => (type === "ssh-rsa" ? ["rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"] : [type])).filter((a) => HOST_KEY_ALGORITHMS.includes(a));
  return {
    files: readable.length ? readable : files,
    verify: (key) => verifyHostKey(entries, endpoint.host, endpoint.port, key),
    ...(preferred.length ? { algorithms: [...preferred, ...HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a))] } : {}),
  };
}
