#!/usr/bin/env node
// A FAKE vagrant for the driver's unit test: it boots nothing. It appends its arguments (and the
// topology it was given) to $FAKE_VAGRANT_LOG and replays recorded output from fixtures/: real
// captures of Vagrant 2.3.4 where this machine could run them, constructed ones where a VM would
// have had to boot (fixtures/README.md).
import { appendFileSync, readFileSync } from "node:fs";

const args = process.argv.slice(2);
if (process.env.FAKE_VAGRANT_LOG) appendFileSync(process.env.FAKE_VAGRANT_LOG, `${JSON.stringify({ args, topology: process.env.FABRICSPEC_TOPOLOGY, provider: process.env.VAGRANT_DEFAULT_PROVIDER, cwd: process.cwd() })}\n`);
const replay = (file) => process.stdout.write(readFileSync(new URL(`./fixtures/${file}`, import.meta.url), "utf8"));
const key = args.filter((a) => !a.startsWith("-")).slice(0, 2).join(" ");
switch (true) {
  case args[0] === "--version":
    process.stdout.write("Vagrant 2.3.4\n");
    break;
  case key === "plugin list":
    replay("vagrant-2.3.4-plugin-list-libvirt.txt");
    break;
  case key === "box list":
    replay(process.env.FAKE_VAGRANT_NO_BOXES ? "vagrant-2.3.4-box-list-no-boxes.txt" : "vagrant-constructed-box-list-blog-libvirt.txt");
    break;
  case args[0] === "status":
    replay("vagrant-2.3.4-status-blog-libvirt-not-created.txt");
    break;
  case args[0] === "up":
    replay("vagrant-constructed-up-blog-libvirt.txt");
    break;
  case args[0] === "ssh-config":
    replay("vagrant-constructed-ssh-config-blog-libvirt.txt");
    break;
  case args[0] === "destroy":
    break;
  default:
    process.stderr.write(`fake vagrant: no recording for ${args.join(" ")}\n`);
    process.exit(1);
}
