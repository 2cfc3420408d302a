/**
 * The Calico release the Vagrant lab installs, pinned in this one place: the manifest for a
 * kubeadm cluster with the Kubernetes API datastore ("Install Calico networking and network policy
 * for on-premises deployments", 50 nodes or fewer) and the calicoctl binary of the same release
 * (calicoctl refuses to manage a cluster of another version). v3.27 supports Kubernetes 1.27 to
 * 1.29, and the Vagrant lab installs 1.28 (lab/vagrant/provision/kubeadm-node.sh).
 * The machines fetch both themselves: the machine running fabricspec may have no internet at all.
 */
export const CALICO_VERSION = "v3.27.3";

/** `kubectl apply -f` this on the control plane. */
export const CALICO_MANIFEST_URL = `https://raw.githubusercontent.com/projectcalico/calico/${CALICO_VERSION}/manifests/calico.yaml`;

/** calicoctl for a Debian architecture name (`dpkg --print-architecture`: amd64, arm64). */
export function calicoctlUrl(arch: string): string {
  return `https://github.com/projectcalico/calico/releases/download/${CALICO_VERSION}/calicoctl-linux-${arch}`;
}

/** Where the control plane keeps it: versioned, so a lab built with another release fetches its own. */
export const CALICOCTL_PATH = `/usr/local/bin/calicoctl-${CALICO_VERSION}`;
