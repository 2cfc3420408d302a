/**
 * One attempt to reach a node: the socket (direct, proxy command or jump host), the handshake, the
 * host key check and the login, all within one connect timeout; a failure is classified into one
 * SshError (errors.ts). Credentials and known_hosts are read first, so that a configuration error
 * is reported before anything is started.
 */
import ssh2, { type Client as SshClient, type ConnectConfig } from "ssh2";
import { credentials } from "./authentication.js";
import { describeEndpoint, type SshEndpoint } from "./endpoint.js";
import { SshError, classify, messageOf } from "./errors.js";
import { hostKeyCheck } from "./host-keys.js";
import type { HostKeyVerdict } from "./known-hosts.js";
import { openSocket, type JumpHost, type ProxySocket } from "./proxy.js";

// ssh2 is CommonJS: Node's ESM loader sees only its default export.
const { Client } = ssh2;
type Client = SshClient;

export interface DialOptions {
  readonly connectTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  readonly keepaliveCountMax: number;
  /** Where warnings go (insecureIgnoreHostKey); default: stderr. */
  readonly warn?: (message: string) => void;
}

/** An authenticated client, and the proxy command it runs over, if any (to be ended with it). */
export async function dial(endpoint: SshEndpoint, options: DialOptions, jumpHost: (jump: SshEndpoint) => JumpHost): Promise<{ client: Client; proxy: ProxySocket | undefined }> {
  const auth = credentials(endpoint); // config errors before anything is started
  const hostKeys = hostKeyCheck(endpoint, options.warn);
  const client = new Client();
  let proxy: ProxySocket | undefined;
  let verdict: HostKeyVerdict | undefined;
  const timeoutMs = options.connectTimeoutMs;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const fail = (error: SshError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      proxy?.kill();
      reject(error);
    };
    const timer = setTimeout(() => {
      fail(new SshError(endpoint.node, "timeout", `connection timed out after ${timeoutMs / 1000} s (${describeEndpoint(endpoint)})`, {
        hint: "is the node up and its sshd running? is the proxy command or jump host right?",
      }));
    }, timeoutMs);
    client.once("ready", () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve();
    });
    // A proxy command's end is often seen after the connection's: its exit and stderr say more.
    const failLater = (error: Error & { level?: string }) => {
      const proxyEnd = proxy && proxy.exitCode() === undefined && !verdict && error.level !== "client-authentication" ? Promise.race([proxy.exited, delay(1000)]) : Promise.resolve();
      void proxyEnd.then(() => fail(classify(endpoint, error, verdict, proxy)));
    };
    client.on("error", failLater);
    client.once("close", () => failLater(new Error("Connection lost before handshake")));
    const config: ConnectConfig = {
      host: endpoint.host,
      port: endpoint.port,
      username: endpoint.user,
      readyTimeout: 0, // the timer above covers the whole attempt
      keepaliveInterval: options.keepaliveIntervalMs,
      keepaliveCountMax: options.keepaliveCountMax,
      ...auth,
      hostVerifier: (key: Buffer) => {
        verdict = hostKeys.verify(key);
        return verdict.ok;
      },
      ...(hostKeys.algorithms ? { algorithms: { serverHostKey: hostKeys.algorithms as NonNullable<ConnectConfig["algorithms"]>["serverHostKey"] } } : {}),
    };
    openSocket(endpoint, jumpHost)
      .then((sock) => {
        if (settled) {
          sock.proxy?.kill();
          sock.sock?.destroy();
          return;
        }
        proxy = sock.proxy;
        proxy?.exited.then(() => {
          // Before the handshake, the proxy's end is the cause; afterwards ssh2 reports the close.
          if (!settled) fail(classify(endpoint, new Error("proxy exited"), verdict, proxy));
        });
        client.connect(sock.sock ? { ...config, sock: sock.sock } : config);
      })
      .catch((error: unknown) => fail(error instanceof SshError ? error : new SshError(endpoint.node, "unreachable", messageOf(error), { cause: error })));
  });
  return { client, proxy };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
