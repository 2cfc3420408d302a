/**
 * A fake machine for the provisioner's unit tests (no lab): a CommandRunner that models just
 * what the plan's commands touch (interfaces, addresses, bridge ports, sysctls, files, a service)
 * so that a second run can be seen to change nothing. Not a lab: the real proof is the embedded
 * lab under FABRICSPEC_PROVISION=ssh and test/self/provision.test.ts.
 */
import type { CommandResult, CommandRunner, RunOptions } from "../transport/runner.js";

interface FakeLink {
  up: boolean;
  addresses: string[];
  master?: string;
}

export class FakeMachine implements CommandRunner {
  readonly links = new Map<string, FakeLink>();
  readonly files = new Map<string, string>();
  readonly sysctls = new Map<string, string>();
  readonly ran: string[][] = [];
  active = false;
  /** A line the fake vtysh -C rejects, as FRR's dry run does for an unknown command. */
  rejectLine: string | undefined;

  constructor(
    readonly node: string,
    interfaces: readonly string[],
  ) {
    for (const name of ["lo", ...interfaces]) this.links.set(name, { up: false, addresses: [] });
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
    this.ran.push([...argv]);
    const [out, code, err] = this.exec([...argv], options.input ?? "");
    return { command: argv, exitCode: code, stdout: out, stderr: err, durationMs: 0 };
  }

  private exec(a: string[], input: string): [string, number, string] {
    const missing = (dev: string): [string, number, string] => ["", 1, `Device "${dev}" does not exist.`];
    const j = a.join(" ");
    let m: RegExpExecArray | null;
    if ((m = /^ip -o link show dev (\S+)$/.exec(j)) || (m = /^ip link show dev (\S+)$/.exec(j))) {
      const l = this.links.get(m[1]!);
      if (!l) return missing(m[1]!);
      return [`2: ${m[1]}: <BROADCAST,MULTICAST${l.up ? ",UP,LOWER_UP" : ""}> mtu 1500 ${l.master ? `master ${l.master} ` : ""}state ${l.up ? "UP" : "DOWN"}\n`, 0, ""];
    }
    if ((m = /^ip -o addr show dev (\S+)$/.exec(j))) {
      const l = this.links.get(m[1]!);
      if (!l) return missing(m[1]!);
      return [l.addresses.map((c) => `2: ${m![1]}    inet ${c} scope global ${m![1]}\n`).join(""), 0, ""];
    }
    if ((m = /^ip addr replace (\S+) dev (\S+)$/.exec(j))) {
      const l = this.links.get(m[2]!);
      if (!l) return ["", 1, "Cannot find device"];
      if (!l.addresses.includes(m[1]!)) l.addresses.push(m[1]!);
      return ["", 0, ""];
    }
    if ((m = /^ip link set (\S+) up$/.exec(j))) {
      const l = this.links.get(m[1]!);
      if (!l) return ["", 1, "Cannot find device"];
      l.up = true;
      return ["", 0, ""];
    }
    if ((m = /^ip link set (\S+) master (\S+)$/.exec(j))) {
      const l = this.links.get(m[1]!);
      if (!l || !this.links.has(m[2]!)) return ["", 1, "Cannot find device"];
      l.master = m[2]!;
      return ["", 0, ""];
    }
    if ((m = /^ip link add (\S+) type bridge$/.exec(j))) {
      if (this.links.has(m[1]!)) return ["", 2, "RTNETLINK answers: File exists"];
      this.links.set(m[1]!, { up: false, addresses: [] });
      return ["", 0, ""];
    }
    if (a[0] === "sysctl" && a[1] === "-n") return [`${this.sysctls.get(a[2]!) ?? "0"}\n`, 0, ""];
    if (a[0] === "sysctl" && a[1] === "-qw") {
      for (const kv of a.slice(2)) this.sysctls.set(kv.split("=")[0]!, kv.split("=")[1]!);
      return ["", 0, ""];
    }
    if (a[0] === "cmp") return this.files.get(a[2]!) === input ? ["", 0, ""] : ["", 1, ""];
    if (a[0] === "dd") {
      this.files.set(a[1]!.slice(3), input);
      return ["", 0, ""];
    }
    if (a[0] === "chown" || a[0] === "chmod") return this.files.has(a[2]!) ? ["", 0, ""] : ["", 1, "No such file"];
    if (a[0] === "rm") {
      this.files.delete(a[2]!);
      return ["", 0, ""];
    }
    if (a[0] === "mv") {
      const content = this.files.get(a[2]!);
      if (content === undefined) return ["", 1, "No such file"];
      this.files.delete(a[2]!);
      this.files.set(a[3]!, content);
      return ["", 0, ""];
    }
    if (a.includes("-C")) {
      const file = this.files.get(a[a.indexOf("-f") + 1]!) ?? "";
      const bad = file.split("\n").findIndex((l) => l === this.rejectLine);
      return bad < 0 ? ["", 0, ""] : [`line ${bad + 1}: % Unknown command[1]: ${this.rejectLine}\n`, 2, ""];
    }
    if (j === "systemctl is-active --quiet frr") return ["", this.active ? 0 : 3, ""];
    if (j === "systemctl enable frr") return ["", 0, ""];
    if (j === "systemctl restart frr") {
      this.active = true;
      return ["", 0, ""];
    }
    return ["", 127, `fake machine: no such command: ${j}`];
  }
}
