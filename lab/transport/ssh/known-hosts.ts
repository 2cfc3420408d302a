/**
 * OpenSSH known_hosts files (sshd(8), "SSH_KNOWN_HOSTS FILE FORMAT"): plain and hashed (`|1|`)
 * host patterns, `[host]:port` for a port other than 22, wildcards and negation, the
 * `@revoked` marker. A host key is checked by comparing the key blob the server presented with the
 * blobs listed for that host; fingerprints are OpenSSH's (`SHA256:` + unpadded base64).
 */
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

/** One key line of a known_hosts file. */
export interface KnownHostEntry {
  /** 1-based line number, for messages. */
  readonly line: number;
  readonly marker: "revoked" | "cert-authority" | undefined;
  /** Plain patterns (`leaf1`, `[10.0.0.1]:2222`, `*.lab`, `!spare*`), or a hashed name. */
  readonly hosts: { readonly kind: "patterns"; readonly patterns: readonly string[] } | { readonly kind: "hashed"; readonly salt: Buffer; readonly hash: Buffer };
  /** The key type as written, e.g. ssh-ed25519. */
  readonly type: string;
  readonly blob: Buffer;
}

/** Parses known_hosts text; lines it cannot read (comments, blanks, garbage) are skipped, as OpenSSH does. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split("\n").forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === undefined || fields[0] === "" || fields[0].startsWith("#")) return;
    let marker: KnownHostEntry["marker"];
    if (fields[0] === "@revoked" || fields[0] === "@cert-authority") {
      marker = fields[0] === "@revoked" ? "revoked" : "cert-authority";
      fields.shift();
    }
    const [hostField, type, key] = fields;
    if (!hostField || !type || !key) return;
    const blob = Buffer.from(key, "base64");
    if (blob.length === 0 || keyTypeOf(blob) !== type) return;
    const hosts = parseHostField(hostField);
    if (!hosts) return;
    entries.push({ line: index + 1, marker, hosts, type, blob });
  });
  return entries;
}

function parseHostField(field: string): KnownHostEntry["hosts"] | undefined {
  if (field.startsWith("|1|")) {
    const [salt, hash] = field.slice(3).split("|");
    if (!salt || !hash) return undefined;
    return { kind: "hashed", salt: Buffer.from(salt, "base64"), hash: Buffer.from(hash, "base64") };
  }
  return { kind: "patterns", patterns: field.split(",").filter((p) => p !== "") };
}

/** The name a host is looked up by: `host` on port 22, `[host]:port` otherwise (as ssh does). */
export function lookupName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** True when an entry names this host (lookup name from `lookupName`). */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  if (entry.hosts.kind === "hashed") {
    return createHmac("sha1", entry.hosts.salt).update(name).digest().equals(entry.hosts.hash);
  }
  let matched = false;
  for (const pattern of entry.hosts.patterns) {
    const negated = pattern.startsWith("!");
    if (!globMatch(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/** OpenSSH's pattern syntax: `*` any run of characters, `?` one character; case-insensitive. */
function globMatch(pattern: string, name: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll("?", ".");
  return new RegExp(`^${regex}$`, "i").test(name);
}

/** The key type written at the start of a key blob (an SSH string), or "" when unreadable. */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return "";
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return "";
  return blob.subarray(4, 4 + length).toString("latin1");
}

/** OpenSSH's fingerprint of a key blob: `SHA256:` and unpadded base64 (what `ssh-keygen -lf` prints). */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
}

export type HostKeyVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /** unknown: the file lists no key for this host; mismatch: it lists others; revoked: marked @revoked. */
      readonly reason: "unknown" | "mismatch" | "revoked";
      /** The presented key: type and fingerprint. */
      readonly presented: string;
      /** The keys the file lists for the host: type and fingerprint. */
      readonly expected: readonly string[];
    };

/** Checks a presented host key against the entries for `host`/`port`. */
export function verifyHostKey(entries: readonly KnownHostEntry[], host: string, port: number, blob: Buffer): HostKeyVerdict {
  const name = lookupName(host, port);
  const forHost = entries.filter((e) => e.marker !== "cert-authority" && entryMatches(e, name));
  const presented = `${keyTypeOf(blob) || "unknown type"} ${fingerprint(blob)}`;
  const known = forHost.filter((e) => e.marker === undefined);
  const expected = known.map((e) => `${e.type} ${fingerprint(e.blob)}`);
  if (forHost.some((e) => e.marker === "revoked" && e.blob.equals(blob))) return { ok: false, reason: "revoked", presented, expected };
  if (known.some((e) => e.blob.equals(blob))) return { ok: true };
  return { ok: false, reason: known.length === 0 ? "unknown" : "mismatch", presented, expected };
}

/** The key types a file lists for a host: offered first in the key exchange, so the server presents one we can check. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number): string[] {
  const name = lookupName(host, port);
  return [...new Set(entries.filter((e) => e.marker === undefined && entryMatches(e, name)).map((e) => e.type))];
}

/** Reads and parses a known_hosts file; throws the fs error when it cannot be read. */
export function readKnownHosts(path: string): KnownHostEntry[] {
  return parseKnownHosts(readFileSync(path, "utf8"));
}
