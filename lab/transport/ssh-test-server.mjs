#!/usr/bin/env node
/**
 * A scripted SSH server on stdin/stdout, for the SSH transport's unit tests: the tests use it as
 * the endpoint's proxy command, so no TCP port is opened anywhere. Real SSH (ssh2's server): real
 * key exchange, host key, public key and password authentication, sessions and exit statuses.
 *
 * Usage: node ssh-test-server.mjs HOST_KEY_FILE AUTHORIZED_PUBLIC_KEY_FILE [MODE]
 *   MODE  normal (default) | silent (never speaks: a hung server) | crash (says why on stderr, exits 1)
 * The password "letmein" is accepted too. Commands (the remote shell line, as the client sent it):
 *   sleep          never ends (for timeouts); a KILL signal request ends it with exit 137
 *   exit N         exits N
 *   drop           closes the connection while the command runs
 *   drop-after     answers, then closes the connection 50 ms later
 *   hold MS        waits MS, then prints how many commands ran at once at most
 *   anything else  prints the command line on stdout and "stderr" on stderr, exits 0
 * As a jump host, it forwards a channel to port 22 of any host to itself (the same server again).
 */
import { readFileSync } from "node:fs";
import { Duplex } from "node:stream";
import { setTimeout } from "node:timers";
import ssh2 from "ssh2";

const { Server, utils } = ssh2;
const [hostKeyFile, authorizedFile, mode = "normal"] = process.argv.slice(2);

if (mode === "crash") {
  process.stderr.write("test-server: cannot reach the node\n");
  process.exit(1);
}
if (mode === "silent") {
  process.stdin.resume(); // reads, never answers
} else {
  const authorized = utils.parseKey(readFileSync(authorizedFile));
  let running = 0;
  let most = 0;
  const server = new Server({ hostKeys: [readFileSync(hostKeyFile)] }, (client) => {
    client.on("error", () => {});
    client.on("authentication", (ctx) => {
      if (ctx.method === "password" && ctx.password === "letmein") return ctx.accept();
      if (ctx.method === "publickey" && !(authorized instanceof Error) && ctx.key.data.equals(authorized.getPublicSSH())) {
        if (!ctx.signature || authorized.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) return ctx.accept();
      }
      ctx.reject(["publickey", "password"]);
    });
    client.on("ready", () => {
      client.on("tcpip", (accept, reject, info) => {
        if (info.destPort !== 22) return reject();
        server.injectSocket(accept());
      });
      client.on("session", (acceptSession) => {
        const session = acceptSession();
        let current;
        session.on("signal", (accept, _reject, info) => {
          accept?.();
          if (info.name === "KILL" && current) {
            current.exit("KILL");
            current.end();
          }
        });
        session.on("exec", (accept, _reject, info) => {
          const stream = accept();
          current = stream;
          const command = info.command;
          const done = (code) => {
            stream.exit(code);
            stream.end();
          };
          if (command === "sleep") return;
          if (command.startsWith("exit ")) return done(Number(command.slice(5)));
          if (command === "drop") return setTimeout(() => client.end(), 20);
          if (command === "drop-after") {
            stream.write("ok\n");
            done(0);
            setTimeout(() => client.end(), 50);
            return;
          }
          if (command.startsWith("hold ")) {
            running++;
            most = Math.max(most, running);
            setTimeout(() => {
              running--;
              stream.write(`${most}\n`);
              done(0);
            }, Number(command.slice(5)));
            return;
          }
          stream.on("data", () => {}); // stdin, unused
          stream.write(`${command}\n`);
          stream.stderr.write("stderr\n");
          done(0);
        });
      });
    });
  });
  const socket = Duplex.from({ readable: process.stdin, writable: process.stdout });
  socket.on("error", () => process.exit(0));
  socket.on("end", () => process.exit(0));
  server.injectSocket(socket);
}
