/**
 * Vagrant's `--machine-readable` output (Vagrant's CLI docs, "Machine Readable Output"): one record
 * per line, `timestamp,target,type,data...`, commas inside data written `%!(VAGRANT_COMMA)` and
 * newlines `\n`. Parsed once, here, into typed values: machine states, boxes, errors, progress.
 * Fixtures: real output of Vagrant 2.3.4 captured on this machine (no hypervisor: states are
 * not_created, or the provider is not usable) and output constructed in the published format where
 * no VM could boot (fixtures/README.md).
 */
import type { SshEndpoint } from "../../transport/ssh/endpoint.js";

export interface VagrantRecord {
  readonly timestamp: number;
  /** The machine it is about; "" for the whole environment. */
  readonly target: string;
  readonly type: string;
  readonly data: readonly string[];
}

const unescape = (text: string) => text.replaceAll("%!(VAGRANT_COMMA)", ",").replaceAll("\\n", "\n").replaceAll("\\r", "\r");

/** Parses every record; lines that are not records (a plain-text ssh-config echo) are skipped. */
export function parseMachineReadable(text: string): VagrantRecord[] {
  const records: VagrantRecord[] = [];
  for (const line of text.split("\n")) {
    const match = /^(\d+),([^,]*),([^,]+),?(.*)$/.exec(line.trimEnd());
    if (!match) continue;
    const [, timestamp = "0", target = "", type = "", rest = ""] = match;
    records.push({ timestamp: Number(timestamp), target, type, data: rest === "" ? [] : rest.split(",").map(unescape) });
  }
  return records;
}

/** Vagrant's error, when the command ended with one: its class and message. */
export function vagrantError(records: readonly VagrantRecord[]): { kind: string; message: string } | undefined {
  const exit = records.find((r) => r.type === "error-exit");
  if (!exit) return undefined;
  return { kind: exit.data[0] ?? "?", message: exit.data.slice(1).join(",") };
}

export interface MachineState {
  readonly name: string;
  readonly provider: string | undefined;
  /** Vagrant's state id: not_created, running, poweroff, shutoff, saved, ... */
  readonly state: string;
  readonly description: string | undefined;
}

/** `vagrant status --machine-readable`: each machine's provider and state, in Vagrantfile order. */
export function parseStatus(records: readonly VagrantRecord[]): MachineState[] {
  const names = [...new Set(records.filter((r) => r.target !== "" && r.type === "state").map((r) => r.target))];
  return names.map((name) => {
    const of = (type: string) => records.find((r) => r.target === name && r.type === type)?.data[0];
    return { name, provider: of("provider-name"), state: of("state") ?? "unknown", description: of("state-human-short") };
  });
}

export interface Box {
  readonly name: string;
  readonly provider: string | undefined;
  readonly version: string | undefined;
}

/** `vagrant box list --machine-readable`: box-name, box-provider, box-version records, in that order. */
export function parseBoxList(records: readonly VagrantRecord[]): Box[] {
  const boxes: Array<{ name: string; provider?: string; version?: string }> = [];
  for (const r of records) {
    if (r.type === "box-name") boxes.push({ name: r.data[0] ?? "" });
    const last = boxes.at(-1);
    if (last && r.type === "box-provider") last.provider = r.data[0];
    if (last && r.type === "box-version") last.version = r.data[0];
  }
  return boxes.map((b) => ({ name: b.name, provider: b.provider, version: b.version }));
}

/** `vagrant plugin list --machine-readable`: the plugin names. */
export function parsePlugins(records: readonly VagrantRecord[]): string[] {
  return records.filter((r) => r.type === "plugin-name").map((r) => r.data[0] ?? "");
}

/** What a `vagrant up` record says about progress, for a person: "spine1: Booting VM...". */
export function upProgress(record: VagrantRecord): string | undefined {
  if (record.type === "action" && record.data[0] === "up") {
    return record.data[1] === "start" ? `${record.target}: starting` : record.data[1] === "end" ? `${record.target}: up` : undefined;
  }
  if (record.type === "ui" && (record.data[0] === "info" || record.data[0] === "output")) {
    const text = (record.data.slice(1).join(",").split("\n")[0] ?? "").replace(/^==> /, "").trim();
    return text === "" ? undefined : text;
  }
  return undefined;
}

/**
 * `vagrant ssh-config` (plain text, or the ssh-config record of --machine-readable): one OpenSSH
 * Host block per machine, turned into the SSH endpoints the SSH transport connects with.
 */
export function parseSshConfig(text: string, options: { sudo?: (host: string) => boolean } = {}): SshEndpoint[] {
  const fromRecords = parseMachineReadable(text).filter((r) => r.type === "ssh-config").map((r) => r.data.join(","));
  const source = fromRecords.length > 0 ? fromRecords.join("\n") : text;
  const blocks: Array<Map<string, string>> = [];
  for (const line of source.split("\n")) {
    const match = /^\s*(\S+)\s+(.*?)\s*$/.exec(line);
    if (!match) continue;
    const [, key = "", value = ""] = match;
    if (key === "Host") blocks.push(new Map([["Host", value]]));
    else blocks.at(-1)?.set(key, value.replace(/^"(.*)"$/, "$1"));
  }
  return blocks.map((b) => {
    const host = b.get("Host") ?? "";
    return {
      node: host,
      host: b.get("HostName") ?? "127.0.0.1",
      port: Number(b.get("Port") ?? 22),
      user: b.get("User") ?? "vagrant",
      ...(b.get("IdentityFile") ? { identityFile: b.get("IdentityFile") } : {}),
      // Vagrant's own machines, made for this run: their host keys are new every time.
      insecureIgnoreHostKey: b.get("StrictHostKeyChecking") === "no",
      sudo: options.sudo?.(host) ?? true,
    };
  });
}
