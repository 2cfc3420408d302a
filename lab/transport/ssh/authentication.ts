/**
 * Credentials by reference: a key file, the agent, a password variable, read where the endpoint
 * points. Their paths and variable names may appear in messages, never their values.
 */
import { readFileSync } from "node:fs";
import ssh2, { type ConnectConfig } from "ssh2";
import { expandHome, type SshEndpoint } from "./endpoint.js";
import { SshError, messageOf } from "./errors.js";

// ssh2 is CommonJS: Node's ESM loader sees only its default export.
const { utils } = ssh2;

export type Credentials = Pick<ConnectConfig, "privateKey" | "agent" | "password" | "authHandler">;

/** The credentials ssh2 logs in with; an SshError ("config") when one cannot be used, before anything is started. */
export function credentials(endpoint: SshEndpoint): Credentials {
  const methods: Array<"publickey" | "agent" | "password"> = [];
  const config: Credentials = {};
  if (endpoint.identityFile) {
    const path = expandHome(endpoint.identityFile);
    let text: Buffer;
    try {
      text = readFileSync(path);
    } catch (error) {
      throw new SshError(endpoint.node, "config", `cannot read the identity file ${path} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`, {
        hint: "point identityFile at a private key this user can read",
      });
    }
    const parsed = utils.parseKey(text);
    if (parsed instanceof Error) {
      const encrypted = /encrypted|passphrase/i.test(parsed.message);
      throw new SshError(endpoint.node, "config", encrypted ? `the identity file ${path} is encrypted` : `the identity file ${path} is not a private key ssh2 can read`, {
        hint: encrypted ? "load it into an agent (ssh-add) and set agent: true instead" : "use an OpenSSH or PEM private key (ssh-keygen -t ed25519)",
      });
    }
    config.privateKey = text;
    methods.push("publickey");
  }
  if (endpoint.agent) {
    const socket = process.env.SSH_AUTH_SOCK;
    if (!socket) {
      throw new SshError(endpoint.node, "config", "agent: true, but SSH_AUTH_SOCK is not set", { hint: "start an agent (eval $(ssh-agent); ssh-add) or use identityFile" });
    }
    config.agent = socket;
    methods.push("agent");
  }
  if (endpoint.passwordEnv) {
    const password = process.env[endpoint.passwordEnv];
    if (password === undefined || password === "") {
      throw new SshError(endpoint.node, "config", `the password variable ${endpoint.passwordEnv} is not set`, {
        hint: `export ${endpoint.passwordEnv} (from your CI's secrets), or use a key`,
      });
    }
    config.password = password;
    methods.push("password");
  }
  if (methods.length === 0) {
    throw new SshError(endpoint.node, "config", "no way to log in: the endpoint has no identityFile, agent or passwordEnv", {
      hint: "set identityFile (a key path), agent: true or passwordEnv (a variable name) in the inventory",
    });
  }
  config.authHandler = methods;
  return config;
}
