/**
 * The control plane's certificates, made per lab with Debian's openssl (3.0: `req -x509 -CA` signs
 * in one command): a CA, the API server's serving certificate for the host's fabric address, the
 * client certificates of the admin, the controller manager, the scheduler and the API server's
 * kubelet client, and the service-account key pair. ECDSA P-256 keys (cheap to make), valid 30
 * days: a lab lives for a run.
 */
import { join } from "node:path";
import { controlPlaneFiles, clientCertificate, KUBECONFIG_USERS, KUBERNETES_SERVICE_IP, type KubeconfigUser } from "../kinds/kubernetes.js";

export const OPENSSL = "/usr/bin/openssl";
const DAYS = "30";
const EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-noenc"];

export interface PkiPlan {
  /** The openssl configuration the commands read (its path: `configFile`). */
  readonly configFile: string;
  readonly config: string;
  /** Makes the CA; the rest need it. */
  readonly ca: readonly string[];
  /** The rest, each independent of the others. */
  readonly leaves: readonly (readonly string[])[];
}

/** The certificates of the control-plane host `name` at `address`, into its directory `home`. */
export function pkiPlan(home: string, name: string, address: string): PkiPlan {
  const f = controlPlaneFiles(home);
  const configFile = join(f.pki, "openssl.cnf");
  const alt = [
    `IP:${address}`,
    "IP:127.0.0.1",
    `IP:${KUBERNETES_SERVICE_IP}`,
    "DNS:kubernetes",
    "DNS:kubernetes.default",
    "DNS:kubernetes.default.svc",
    "DNS:kubernetes.default.svc.cluster.local",
    `DNS:${name}`,
  ];
  const config = [
    "[req]",
    "distinguished_name = dn",
    "prompt = no",
    "[dn]",
    "[ca]",
    "basicConstraints = critical, CA:TRUE",
    "keyUsage = critical, keyCertSign, cRLSign, digitalSignature",
    "subjectKeyIdentifier = hash",
    "[server]",
    "basicConstraints = critical, CA:FALSE",
    "keyUsage = critical, digitalSignature",
    "extendedKeyUsage = serverAuth",
    `subjectAltName = ${alt.join(", ")}`,
    "[client]",
    "basicConstraints = critical, CA:FALSE",
    "keyUsage = critical, digitalSignature",
    "extendedKeyUsage = clientAuth",
    "",
  ].join("\n");
  const req = (subject: string, cert: string, key: string, extensions: "ca" | "server" | "client") => [
    OPENSSL, "req", "-x509", "-config", configFile, "-extensions", extensions, ...EC_KEY, "-days", DAYS, "-subj", subject, "-keyout", key, "-out", cert,
    ...(extensions === "ca" ? [] : ["-CA", f.ca, "-CAkey", f.caKey]),
  ];
  const subject = (cn: string, o?: string) => `${o ? `/O=${o}` : ""}/CN=${cn}`;
  const clients = (Object.keys(KUBECONFIG_USERS) as KubeconfigUser[]).map((user) => {
    const { commonName, organization } = KUBECONFIG_USERS[user];
    const { cert, key } = clientCertificate(home, user);
    return req(subject(commonName, organization), cert, key, "client");
  });
  return {
    configFile,
    config,
    ca: req(subject("fabricspec-kubernetes-ca"), f.ca, f.caKey, "ca"),
    leaves: [
      req(subject("kube-apiserver"), f.apiServer.cert, f.apiServer.key, "server"),
      req(subject("kube-apiserver-kubelet-client", "system:masters"), f.kubeletClient.cert, f.kubeletClient.key, "client"),
      ...clients,
      [OPENSSL, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f.serviceAccount.key],
    ],
  };
}

/** The service-account public key, made from its private key once that exists. */
export function serviceAccountPublicKey(home: string): readonly string[] {
  const f = controlPlaneFiles(home);
  return [OPENSSL, "pkey", "-in", f.serviceAccount.key, "-pubout", "-out", f.serviceAccount.pub];
}

/** A kubelet's client certificate, signed by the control plane's CA: the identity the Node authorizer and NodeRestriction know it by. */
export function kubeletClientCertificate(controlHome: string, node: string, cert: string, key: string): readonly string[] {
  const f = controlPlaneFiles(controlHome);
  return [
    OPENSSL, "req", "-x509", "-config", join(f.pki, "openssl.cnf"), "-extensions", "client", ...EC_KEY, "-days", DAYS,
    "-subj", `/O=system:nodes/CN=system:node:${node}`, "-keyout", key, "-out", cert, "-CA", f.ca, "-CAkey", f.caKey,
  ];
}
