/** How to reach one node over SSH: what an inventory entry (or `vagrant ssh-config`) says. */

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
