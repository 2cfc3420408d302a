/**
 * The Kubernetes control plane kind: what runs on the control-plane host of a cluster that the lab
 * builds itself (the embedded lab's; the Vagrant lab's comes from kubeadm). etcd, kube-apiserver,
 * kube-controller-manager and kube-scheduler as plain processes with their flags, certificates and
 * kubeconfigs in the node's own directory, built from the pinned release in
 * lab/kubernetes/release.json by scripts/build-kubernetes.sh into the machine's cache.
 *
 * Reachable only inside the lab: the API server binds to the host's fabric address, etcd and the
 * components' own ports to 127.0.0.1, both in the host's network namespace.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../project-root.js";

/** The pinned versions: scripts/build-kubernetes.sh builds exactly these. */
export interface KubernetesRelease {
  readonly kubernetes: string;
  readonly staging: string;
  readonly etcd: string;
}

export const KUBERNETES_RELEASE: KubernetesRelease = JSON.parse(readFileSync(join(PROJECT_ROOT, "lab/kubernetes/release.json"), "utf8")) as KubernetesRelease;

/** Where scripts/build-kubernetes.sh puts the binaries (outside the repository, once per machine). */
export const KUBERNETES_HOME = `${process.env.FABRICSPEC_CACHE ?? "/var/cache/fabricspec"}/kubernetes/v${KUBERNETES_RELEASE.kubernetes}`;
export const KUBERNETES_BIN = join(KUBERNETES_HOME, "bin");

/** The control plane's programs, in start order, then kubectl. */
export const CONTROL_PLANE_COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"] as const;
export type ControlPlaneComponent = (typeof CONTROL_PLANE_COMPONENTS)[number];
export const KUBECTL = join(KUBERNETES_BIN, "kubectl");
export const CONTROL_PLANE_PROGRAMS: readonly string[] = [...CONTROL_PLANE_COMPONENTS.map((c) => join(KUBERNETES_BIN, c)), KUBECTL];

/** What builds them. */
export const KUBERNETES_BUILD = `scripts/build-kubernetes.sh (the bootstrap of npm test and npm run check runs it once per machine: about 10 min on 2 cores) builds them into ${KUBERNETES_BIN}`;

/** The cluster's service addresses (kubeadm's default) and the API server's port. */
export const SERVICE_CIDR = "10.96.0.0/12";
export const KUBERNETES_SERVICE_IP = "10.96.0.1";
export const API_SERVER_PORT = 6443;

/** Where a control-plane host's files are, in its directory. */
export function controlPlaneFiles(home: string) {
  const pki = join(home, "pki");
  return {
    pki,
    ca: join(pki, "ca.crt"),
    caKey: join(pki, "ca.key"),
    apiServer: { cert: join(pki, "apiserver.crt"), key: join(pki, "apiserver.key") },
    kubeletClient: { cert: join(pki, "apiserver-kubelet-client.crt"), key: join(pki, "apiserver-kubelet-client.key") },
    serviceAccount: { pub: join(pki, "sa.pub"), key: join(pki, "sa.key") },
    etcdData: join(home, "etcd"),
    /** Self-signed serving certificates the controller manager and the scheduler make for their own ports. */
    certDir: (component: ControlPlaneComponent) => join(home, component),
    kubeconfig: (user: KubeconfigUser) => join(home, `${user}.kubeconfig`),
    log: (component: ControlPlaneComponent) => join(home, `${component}.log`),
    pidFile: (component: ControlPlaneComponent) => join(home, `${component}.pid`),
  };
}

/** The clients with a kubeconfig on the control plane, and the identity each one's certificate names. */
export const KUBECONFIG_USERS = {
  admin: { commonName: "kubernetes-admin", organization: "system:masters" },
  "controller-manager": { commonName: "system:kube-controller-manager", organization: undefined },
  scheduler: { commonName: "system:kube-scheduler", organization: undefined },
} as const;
export type KubeconfigUser = keyof typeof KUBECONFIG_USERS;

/** The client certificate of a kubeconfig user. */
export function clientCertificate(home: string, user: KubeconfigUser): { cert: string; key: string } {
  const { pki } = controlPlaneFiles(home);
  return { cert: join(pki, `${user}.crt`), key: join(pki, `${user}.key`) };
}

/** A kubeconfig that reaches `server` as `user`, with files by path. */
export function renderKubeconfig(home: string, user: KubeconfigUser, server: string): string {
  const { ca } = controlPlaneFiles(home);
  const { cert, key } = clientCertificate(home, user);
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- name: fabricspec",
    "  cluster:",
    `    server: ${server}`,
    `    certificate-authority: ${ca}`,
    "users:",
    `- name: ${user}`,
    "  user:",
    `    client-certificate: ${cert}`,
    `    client-key: ${key}`,
    "contexts:",
    `- name: ${user}@fabricspec`,
    "  context:",
    "    cluster: fabricspec",
    `    user: ${user}`,
    `current-context: ${user}@fabricspec`,
    "",
  ].join("\n");
}

/** The API server's URL at the host's fabric address. */
export const apiServerUrl = (address: string): string => `https://${address}:${API_SERVER_PORT}`;

/** One control-plane component's command line (it stays in the foreground; the driver runs it as a daemon). */
export interface ComponentCommand {
  readonly component: ControlPlaneComponent;
  readonly binary: string;
  readonly args: readonly string[];
}

/**
 * The control plane of the host `name` at `address`, its files in `home`: etcd on 127.0.0.1 (plain
 * HTTP: nothing but the API server, in the same namespace, reaches it), the API server on the
 * fabric address, the controller manager and the scheduler on 127.0.0.1 reaching it there.
 */
export function controlPlaneCommands(name: string, address: string, home: string): ComponentCommand[] {
  const f = controlPlaneFiles(home);
  const bin = (c: ControlPlaneComponent) => join(KUBERNETES_BIN, c);
  const clientKubeconfig = (user: KubeconfigUser) => {
    const k = f.kubeconfig(user);
    return [`--kubeconfig=${k}`, `--authentication-kubeconfig=${k}`, `--authorization-kubeconfig=${k}`];
  };
  return [
    {
      component: "etcd",
      binary: bin("etcd"),
      args: [
        `--name=${name}`,
        `--data-dir=${f.etcdData}`,
        "--listen-client-urls=http://127.0.0.1:2379",
        "--advertise-client-urls=http://127.0.0.1:2379",
        "--listen-peer-urls=http://127.0.0.1:2380",
        "--initial-advertise-peer-urls=http://127.0.0.1:2380",
        `--initial-cluster=${name}=http://127.0.0.1:2380`,
        "--initial-cluster-state=new",
        "--log-level=warn",
      ],
    },
    {
      component: "kube-apiserver",
      binary: bin("kube-apiserver"),
      args: [
        "--etcd-servers=http://127.0.0.1:2379",
        `--bind-address=${address}`,
        `--advertise-address=${address}`,
        `--secure-port=${API_SERVER_PORT}`,
        `--cert-dir=${f.certDir("kube-apiserver")}`,
        `--tls-cert-file=${f.apiServer.cert}`,
        `--tls-private-key-file=${f.apiServer.key}`,
        `--client-ca-file=${f.ca}`,
        `--kubelet-client-certificate=${f.kubeletClient.cert}`,
        `--kubelet-client-key=${f.kubeletClient.key}`,
        "--kubelet-preferred-address-types=InternalIP",
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${f.serviceAccount.pub}`,
        `--service-account-signing-key-file=${f.serviceAccount.key}`,
        "--authorization-mode=Node,RBAC",
        "--enable-admission-plugins=NodeRestriction",
        "--allow-privileged=true",
        "--profiling=false",
      ],
    },
    {
      component: "kube-controller-manager",
      binary: bin("kube-controller-manager"),
      args: [
        ...clientKubeconfig("controller-manager"),
        "--bind-address=127.0.0.1",
        `--cert-dir=${f.certDir("kube-controller-manager")}`,
        `--cluster-signing-cert-file=${f.ca}`,
        `--cluster-signing-key-file=${f.caKey}`,
        `--root-ca-file=${f.ca}`,
        `--service-account-private-key-file=${f.serviceAccount.key}`,
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        "--use-service-account-credentials=true",
        "--profiling=false",
      ],
    },
    {
      component: "kube-scheduler",
      binary: bin("kube-scheduler"),
      args: [...clientKubeconfig("scheduler"), "--bind-address=127.0.0.1", `--cert-dir=${f.certDir("kube-scheduler")}`, "--profiling=false"],
    },
  ];
}
