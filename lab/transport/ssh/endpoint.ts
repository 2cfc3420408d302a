/** How to reach one node over SSH: what an inventory entry (or `vagrant ssh-config`) says. */
import { homedir } from "node:os";

export interface SshEndpoint {
  /** The topology node this endpoint reaches. */
  readonly node: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** Private key file; never the key itself. */
  readonly identityFile?: string;
  /** Use the agent at SSH_AUTH_SOCK. */
  readonly agent?: boolean;
  /** The name of an environment variable holding the password; never the password itself. */
  readonly passwordEnv?: string;
  /** Verify the host key against this known_hosts file (the default is ~/.ssh/known_hosts). */
  readonly knownHostsFile?: string;
  /** Skip host key verification: for throwaway labs only, and reported as such. */
  readonly insecureIgnoreHostKey?: boolean;
  /**
   * Reach the SSH server through this command's stdin/stdout (OpenSSH's ProxyCommand), as an
   * argument array; %h and %p are replaced by host and port.
   */
  readonly proxyCommand?: readonly string[];
  /** Reach it through this jump host (OpenSSH's ProxyJump). */
  readonly jump?: SshEndpoint;
  /** Run commands with `sudo -n` (Cumulus needs `sudo vtysh`). */
  readonly sudo?: boolean;
}

/** Where an endpoint is, for messages: user@host:port, and how it is reached. */
export function describeEndpoint(endpoint: SshEndpoint): string {
  const via = endpoint.proxyCommand ? " through its proxy command" : endpoint.jump ? ` via ${endpoint.jump.user}@${endpoint.jump.host}:${endpoint.jump.port}` : "";
  return `${endpoint.user}@${endpoint.host}:${endpoint.port}${via}`;
}

/** `%h` host, `%p` port, `%r` user, `%n` node, `%%` a percent sign (OpenSSH's ProxyCommand tokens, and the node). */
export function expandTokens(text: string, endpoint: Pick<SshEndpoint, "node" | "host" | "port" | "user">): string {
  return text.replace(/%([hprn%])/g, (_, token: string) =>
    token === "h" ? endpoint.host : token === "p" ? String(endpoint.port) : token === "r" ? endpoint.user : token === "n" ? endpoint.node : "%",
  );
}

/** The known_hosts files an endpoint is checked against: its own, or OpenSSH's user and global files. */
export function knownHostsFiles(endpoint: SshEndpoint): string[] {
  return endpoint.knownHostsFile ? [endpoint.knownHostsFile] : [`${homedir()}/.ssh/known_hosts`, "/etc/ssh/ssh_known_hosts"];
}

/** `~` and `~/...` as the user's home, as OpenSSH reads paths in its config. */
export function expandHome(path: string): string {
  return path === "~" || path.startsWith("~/") ? `${homedir()}${path.slice(1)}` : path;
}
