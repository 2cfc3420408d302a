import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { PROJECT_ROOT } from "../project-root.js";
import { apiServerUrl, controlPlaneCommands, KUBERNETES_BIN, KUBERNETES_RELEASE, renderKubeconfig } from "./kubernetes.js";

const home = "/run/fabricspec/k8s-master-l1-1/kubernetes";
const commands = controlPlaneCommands("k8s-master-l1-1", "10.0.101.10", home);
const flags = (component: string) => commands.find((c) => c.component === component)?.args ?? [];

test("the control plane starts in order: etcd, the API server, the controller manager, the scheduler, from the built release", () => {
  assert.deepEqual(commands.map((c) => c.component), ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"]);
  assert.deepEqual(commands.map((c) => c.binary), commands.map((c) => `${KUBERNETES_BIN}/${c.component}`));
  assert.equal(KUBERNETES_BIN, `/var/cache/fabricspec/kubernetes/v${KUBERNETES_RELEASE.kubernetes}/bin`);
});

test("only the API server listens on the fabric address; etcd and the components' own ports on 127.0.0.1", () => {
  assert.ok(flags("kube-apiserver").includes("--bind-address=10.0.101.10"));
  assert.ok(flags("kube-apiserver").includes("--advertise-address=10.0.101.10"));
  assert.ok(flags("kube-apiserver").includes("--etcd-servers=http://127.0.0.1:2379"));
  assert.deepEqual(flags("etcd").filter((f) => f.startsWith("--listen-")), ["--listen-client-urls=http://127.0.0.1:2379", "--listen-peer-urls=http://127.0.0.1:2380"]);
  assert.ok(flags("kube-controller-manager").includes("--bind-address=127.0.0.1"));
  assert.ok(flags("kube-scheduler").includes("--bind-address=127.0.0.1"));
});

test("every file a component writes is in the host's directory: etcd's data, the self-signed serving certificates", () => {
  for (const c of commands) {
    const paths = c.args.flatMap((a) => a.split("=").slice(1)).filter((v) => v.startsWith("/"));
    assert.ok(paths.length > 0, c.component);
    for (const p of paths) assert.ok(p.startsWith(`${home}/`), `${c.component}: ${p}`);
  }
  assert.ok(flags("kube-apiserver").includes(`--cert-dir=${home}/kube-apiserver`), "not /var/run/kubernetes, the default");
});

test("a kubeconfig reaches the API server at the fabric address with the user's own certificate", () => {
  assert.equal(apiServerUrl("10.0.101.10"), "https://10.0.101.10:6443");
  const admin = renderKubeconfig(home, "admin", apiServerUrl("10.0.101.10"));
  assert.match(admin, /^ {4}server: https:\/\/10\.0\.101\.10:6443$/m);
  assert.match(admin, new RegExp(`^ {4}client-certificate: ${home}/pki/admin\\.crt$`, "m"));
  assert.match(admin, /^current-context: admin@fabricspec$/m);
});

test("the build script reads the same pinned release", () => {
  const script = readFileSync(`${PROJECT_ROOT}/scripts/build-kubernetes.sh`, "utf8");
  assert.match(script, /lab\/kubernetes\/release\.json/);
  assert.match(KUBERNETES_RELEASE.kubernetes, /^1\.34\.\d+$/);
  assert.equal(KUBERNETES_RELEASE.staging, `0.${KUBERNETES_RELEASE.kubernetes.split(".").slice(1).join(".")}`);
});
