/**
 * The images the embedded lab's pods run, built on this machine because the lab has no registry:
 * the pod sandbox's pause (lab/kubernetes/images/pause.c, compiled static) and a probe image of
 * Debian's static BusyBox (package busybox-static, unpacked into the cache by the bootstrap) with
 * sh, ping and sleep. Each is an OCI image layout in a tar (one uncompressed layer), the form
 * `ctr images import` reads (containerd names it from the index's io.containerd.image.name
 * annotation), built once into the machine's cache and reused.
 *
 * The layer is made with GNU tar from a directory of the lab's own (sorted, owner 0, mtime 0), so
 * the same inputs give the same digests.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { LabError } from "../errors.js";
import { PROJECT_ROOT } from "../project-root.js";
import { runLocal } from "../transport/local.js";

const CACHE = process.env.FABRICSPEC_CACHE ?? "/var/cache/fabricspec";
/** Debian 12's busybox-static, unpacked by `node scripts/bootstrap.mjs --kubernetes`. */
export const BUSYBOX_STATIC = join(CACHE, "busybox-static/bin/busybox");
export const PAUSE_SOURCE = join(PROJECT_ROOT, "lab/kubernetes/images/pause.c");
export const CC = "/usr/bin/gcc";

/** The applets the probe image links to BusyBox: what a test pod's scenarios run in it. */
const PROBE_APPLETS = ["sh", "sleep", "ping", "cat", "echo", "hostname", "ip", "ls", "true", "wget", "nc"] as const;

export interface PodImage {
  /** The image's reference, as pods and containerd's sandbox_image name it. */
  readonly name: string;
  readonly entrypoint: readonly string[];
}

/** A registry name that cannot resolve (.invalid, RFC 6761): nothing is ever pulled for them. */
export const PAUSE_IMAGE: PodImage = { name: "registry.fabricspec.invalid/pause:1", entrypoint: ["/pause"] };
export const PROBE_IMAGE: PodImage = { name: "registry.fabricspec.invalid/busybox:1.35.0", entrypoint: ["/bin/sh"] };

/** Where the archives are, by a digest of their inputs: a change to pause.c or BusyBox builds anew. */
function cacheDir(): string {
  const inputs = createHash("sha256");
  for (const file of [PAUSE_SOURCE, BUSYBOX_STATIC]) inputs.update(readFileSync(file));
  inputs.update(JSON.stringify([PAUSE_IMAGE, PROBE_IMAGE, PROBE_APPLETS]));
  return join(CACHE, "pod-images", inputs.digest("hex").slice(0, 16));
}

/** What building the images needs here, or why it cannot. */
export function podImagesMissing(): string | undefined {
  if (!existsSync(BUSYBOX_STATIC)) return `${BUSYBOX_STATIC} (Debian's busybox-static, unpacked by \`node scripts/bootstrap.mjs --deb --kubernetes\`)`;
  if (!existsSync(CC)) return `${CC} (apt-get install gcc libc6-dev): it compiles the pods' pause`;
  return undefined;
}

export interface PodImageArchives {
  readonly pause: string;
  readonly probe: string;
}

/** The two archives, built when they are not in the cache yet (under a second). */
export async function podImageArchives(): Promise<PodImageArchives> {
  const missing = podImagesMissing();
  if (missing) throw new LabError(`cannot build the pods' images: no ${missing}`);
  const dir = cacheDir();
  const done = { pause: join(dir, "pause.oci.tar"), probe: join(dir, "busybox.oci.tar") };
  if (existsSync(done.pause) && existsSync(done.probe)) return done;
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  try {
    const pauseRoot = join(partial, "pause-rootfs");
    mkdirSync(pauseRoot, { recursive: true });
    await must([CC, "-Os", "-static", "-o", join(pauseRoot, "pause"), PAUSE_SOURCE], "compile pause.c");
    const probeRoot = join(partial, "busybox-rootfs");
    mkdirSync(join(probeRoot, "bin"), { recursive: true });
    copyFileSync(BUSYBOX_STATIC, join(probeRoot, "bin/busybox"));
    for (const applet of PROBE_APPLETS) symlinkSync("busybox", join(probeRoot, "bin", applet));
    await ociArchive(pauseRoot, PAUSE_IMAGE, join(partial, "pause.oci.tar"));
    await ociArchive(probeRoot, PROBE_IMAGE, join(partial, "busybox.oci.tar"));
    for (const root of [pauseRoot, probeRoot]) rmSync(root, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
  return done;
}

/** An OCI image layout of one layer (the directory `rootfs`), tarred into `archive`. */
async function ociArchive(rootfs: string, image: PodImage, archive: string): Promise<void> {
  const layout = `${archive}.layout`;
  const blobs = join(layout, "blobs", "sha256");
  mkdirSync(blobs, { recursive: true });
  const layerFile = `${archive}.layer`;
  await must(["tar", "--create", "--file", layerFile, "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "--format=gnu", "-C", rootfs, "."], `tar ${image.name}'s layer`);
  const layer = blob(blobs, readFileSync(layerFile));
  rmSync(layerFile);
  const config = blob(
    blobs,
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Entrypoint: image.entrypoint, Env: ["PATH=/bin"] },
      rootfs: { type: "layers", diff_ids: [layer.digest] },
    }),
  );
  const manifest = blob(
    blobs,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
    }),
  );
  const tag = image.name.slice(image.name.lastIndexOf(":") + 1);
  writeFileSync(join(layout, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  writeFileSync(
    join(layout, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          ...manifest,
          platform: { architecture: "amd64", os: "linux" },
          annotations: { "io.containerd.image.name": image.name, "org.opencontainers.image.ref.name": tag },
        },
      ],
    }),
  );
  await must(["tar", "--create", "--file", archive, "--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "--format=gnu", "-C", layout, "."], `tar ${image.name}'s layout`);
  rmSync(layout, { recursive: true });
}

/** Writes a blob under its digest; its descriptor's digest and size. */
function blob(dir: string, content: string | Buffer): { readonly digest: string; readonly size: number } {
  const hex = createHash("sha256").update(content).digest("hex");
  const file = join(dir, hex);
  writeFileSync(file, content);
  return { digest: `sha256:${hex}`, size: statSync(file).size };
}

async function must(argv: readonly string[], what: string): Promise<void> {
  const result = await runLocal(argv, { timeoutMs: 60_000 });
  if (result.exitCode !== 0) throw new LabError(`${what} failed (\`${argv.join(" ")}\`, exit ${result.exitCode}): ${result.stderr.trim()}`);
}
