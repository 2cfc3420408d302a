/**
 * The Kubernetes node kind: a kubelet and its own containerd on a host, joined with the host's
 * fabric address (--node-ip), every file in the host's directory: containerd's root, state and
 * sockets, kubelet's root, pod logs, certificates, its cgroup root (/fabricspec/<node>, one per
 * kubelet: two under one /kubepods kill each other's pods).
 *
 * Where many kubelets share one machine (the embedded lab), each runs in a mount namespace of its
 * own (lab/kubernetes/kubelet-sandbox.sh): the machine-wide kernel tunables kubelet insists on
 * (it would set vm.overcommit_memory, kernel.panic and kernel.panic_on_oops for the whole machine)
 * read there as it wants them while the kernel keeps its own, and the two directories kubelet
 * hard-codes (/var/lib/kubelet/device-plugins, /var/log/containers) are the node's own. The mounts
 * kubelet makes for pods' volumes (a projected service-account token is a tmpfs) stay in that mount
 * namespace, where containerd, outside it, does not see them: the lab's test pods mount no volume
 * (automountServiceAccountToken: false).
 */
import { dirname, join } from "node:path";
import { PAUSE_IMAGE } from "../kubernetes/images.js";
import { PROJECT_ROOT } from "../project-root.js";
import { KUBERNETES_BIN } from "./kubernetes.js";

export const KUBELET = join(KUBERNETES_BIN, "kubelet");
export const CONTAINERD = "/usr/bin/containerd";
/** containerd's client: imports the pods' images into each node's containerd. */
export const CTR = "/usr/bin/ctr";
export const RUNC = "/usr/sbin/runc";
export const UNSHARE = "/usr/bin/unshare";
/** Binds the node's own files over the machine's for one kubelet, then runs it (see the file). */
export const KUBELET_SANDBOX = join(PROJECT_ROOT, "lab/kubernetes/kubelet-sandbox.sh");
export const KUBERNETES_NODE_PROGRAMS: readonly string[] = [KUBELET, CONTAINERD, CTR, RUNC, UNSHARE];

/**
 * What kubelet's container manager requires of the kernel (pkg/kubelet/cm/container_manager_linux.go,
 * setupKernelTunables: it writes them unless --protect-kernel-defaults, which fails instead). Machine-wide
 * files, not per network namespace: the sandbox shows kubelet these values, the kernel keeps its own.
 */
export const KUBELET_KERNEL_TUNABLES: Readonly<Record<string, number>> = {
  "vm/overcommit_memory": 1,
  "vm/panic_on_oom": 0,
  "kernel/panic": 10,
  "kernel/panic_on_oops": 1,
  "kernel/keys/root_maxkeys": 1_000_000,
  "kernel/keys/root_maxbytes": 25_000_000,
};

/** Directories kubelet 1.34 uses whatever its flags say, made the node's own in its sandbox. */
export const KUBELET_FIXED_DIRS = ["/var/lib/kubelet/device-plugins", "/var/log/containers"] as const;

/** A node's cgroup root, under every cgroup v1 hierarchy: its kubelet puts kubepods under it. */
export const cgroupRoot = (node: string): string => `/fabricspec/${node}`;

/**
 * A node's CNI directories, beside its kubelet's files: the pod network writes the configuration
 * (lab/calico/cni.ts) whether or not a kubelet runs yet; host-local keeps its allocations in `ipam`.
 */
export function cniDirs(nodeDir: string): { readonly conf: string; readonly ipam: string } {
  return { conf: join(nodeDir, "cni", "net.d"), ipam: join(nodeDir, "cni", "ipam") };
}

/** Where a node's files are, in its directory (`home` is <node dir>/kubernetes-node). */
export function kubernetesNodeFiles(home: string) {
  const containerd = join(home, "containerd");
  const kubelet = join(home, "kubelet");
  return {
    home,
    containerd: {
      dir: containerd,
      config: join(containerd, "config.toml"),
      root: join(containerd, "root"),
      state: join(containerd, "state"),
      socket: join(containerd, "containerd.sock"),
      log: join(home, "containerd.log"),
      pidFile: join(home, "containerd.pid"),
    },
    cniConfDir: cniDirs(dirname(home)).conf,
    kubelet: {
      dir: kubelet,
      config: join(kubelet, "config.yaml"),
      kubeconfig: join(kubelet, "kubeconfig"),
      root: join(kubelet, "root"),
      podLogs: join(kubelet, "pod-logs"),
      pki: join(kubelet, "pki"),
      ca: join(kubelet, "pki", "ca.crt"),
      cert: join(kubelet, "pki", "kubelet-client.crt"),
      key: join(kubelet, "pki", "kubelet-client.key"),
      log: join(home, "kubelet.log"),
      pidFile: join(home, "kubelet.pid"),
    },
    /** The sandbox's files: one per kernel tunable (kernel/panic -> kernel.panic), and the fixed directories' stand-ins. */
    sandbox: join(home, "kubelet-sandbox"),
  };
}

export type KubernetesNodeFiles = ReturnType<typeof kubernetesNodeFiles>;

/**
 * containerd 1.6's configuration for one node: all its paths in the node's directory, CNI's
 * configuration too; the pods' network namespaces under its state directory (not the machine's
 * /run/netns) and runc's state under it too; the sandbox image the lab builds and imports
 * (lab/kubernetes/images.ts).
 */
export function renderContainerdConfig(f: KubernetesNodeFiles): string {
  return [
    "version = 2",
    `root = "${f.containerd.root}"`,
    `state = "${f.containerd.state}"`,
    'disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]',
    "[grpc]",
    `  address = "${f.containerd.socket}"`,
    "[ttrpc]",
    `  address = "${f.containerd.socket}.ttrpc"`,
    "[debug]",
    '  address = ""',
    "[metrics]",
    '  address = ""',
    '[plugins."io.containerd.internal.v1.opt"]',
    `  path = "${join(f.containerd.dir, "opt")}"`,
    '[plugins."io.containerd.grpc.v1.cri"]',
    `  sandbox_image = "${PAUSE_IMAGE.name}"`,
    "  netns_mounts_under_state_dir = true",
    // This machine's root may not lower a process's oom_score_adj below its own (runc's nsexec
    // fails with EACCES): containers keep at least containerd's, as in rootless setups.
    "  restrict_oom_score_adj = true",
    '  [plugins."io.containerd.grpc.v1.cri".cni]',
    '    bin_dir = "/usr/lib/cni"',
    `    conf_dir = "${f.cniConfDir}"`,
    '  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
    '    runtime_type = "io.containerd.runc.v2"',
    '    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
    "      SystemdCgroup = false",
    `      BinaryName = "${RUNC}"`,
    // runc's state per node, not the machine-wide /run/containerd/runc.
    `      Root = "${join(f.containerd.state, "runc")}"`,
    "",
  ].join("\n");
}

/** The cluster DNS address kubelet hands to pods (kubeadm's: the tenth of the service range). */
export const CLUSTER_DNS = "10.96.0.10";

/** kubelet's configuration: serving on the node's fabric address, cgroupfs under the node's own root. */
export function renderKubeletConfig(f: KubernetesNodeFiles, node: string, address: string): string {
  return [
    "apiVersion: kubelet.config.k8s.io/v1beta1",
    "kind: KubeletConfiguration",
    `address: ${address}`,
    "port: 10250",
    "readOnlyPort: 0",
    "healthzBindAddress: 127.0.0.1",
    "healthzPort: 10248",
    "authentication:",
    "  anonymous: {enabled: false}",
    "  webhook: {enabled: true}",
    `  x509: {clientCAFile: ${f.kubelet.ca}}`,
    "authorization: {mode: Webhook}",
    "cgroupDriver: cgroupfs",
    `cgroupRoot: ${cgroupRoot(node)}`,
    "cgroupsPerQOS: true",
    "failSwapOn: false",
    "protectKernelDefaults: true",
    `podLogsDir: ${f.kubelet.podLogs}`,
    `clusterDNS: [${CLUSTER_DNS}]`,
    "clusterDomain: cluster.local",
    `containerRuntimeEndpoint: unix://${f.containerd.socket}`,
    "",
  ].join("\n");
}

/** A kubeconfig for the node's kubelet: its own client certificate (system:node:<name>). */
export function renderKubeletKubeconfig(f: KubernetesNodeFiles, node: string, server: string): string {
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: fabricspec",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority: ${f.kubelet.ca}`,
    "users:",
    `- name: system:node:${node}`,
    "  user:",
    `    client-certificate: ${f.kubelet.cert}`,
    `    client-key: ${f.kubelet.key}`,
    "contexts:",
    "- name: kubelet",
    "  context:",
    "    cluster: fabricspec",
    `    user: system:node:${node}`,
    "current-context: kubelet",
    "",
  ].join("\n");
}

export function containerdArgs(f: KubernetesNodeFiles): readonly string[] {
  return ["--config", f.containerd.config];
}

/** kubelet in its sandbox: unshare makes the mount namespace, the sandbox script binds the node's files and runs kubelet. */
export function kubeletSandboxedArgv(f: KubernetesNodeFiles, node: string, address: string): readonly string[] {
  return [
    UNSHARE, "--mount", "--propagation", "private", KUBELET_SANDBOX, f.sandbox, KUBELET,
    `--config=${f.kubelet.config}`,
    `--kubeconfig=${f.kubelet.kubeconfig}`,
    `--node-ip=${address}`,
    `--hostname-override=${node}`,
    `--root-dir=${f.kubelet.root}`,
    `--cert-dir=${f.kubelet.pki}`,
  ];
}
