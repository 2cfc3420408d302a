#!/bin/sh
# A Kubernetes node per kubeadm's documentation ("Installing kubeadm"): swap off, the kernel
# modules and sysctls a container network needs, containerd with the systemd cgroup driver, and
# kubelet, kubeadm and kubectl from the Kubernetes package repository (pinned minor version).
# kubeadm init/join is done by the fabricspec driver, not here: it takes the join command from the
# control plane itself.
set -eu
KUBERNETES_MINOR="${KUBERNETES_MINOR:-v1.28}"
export DEBIAN_FRONTEND=noninteractive

swapoff -a
sed -i '/\sswap\s/ s/^/#/' /etc/fstab

cat > /etc/modules-load.d/k8s.conf <<MODULES
overlay
br_netfilter
MODULES
modprobe overlay
modprobe br_netfilter
cat > /etc/sysctl.d/k8s.conf <<SYSCTL
net.bridge.bridge-nf-call-iptables  = 1
net.bridge.bridge-nf-call-ip6tables = 1
net.ipv4.ip_forward                 = 1
SYSCTL
sysctl --system >/dev/null

apt-get update -q
apt-get install -y -q containerd apt-transport-https ca-certificates curl gpg
# The probes' tools, run in the test pods' network namespaces by the driver (nsenter), as on every lab.
apt-get install -y -q iputils-ping fping traceroute
mkdir -p /etc/containerd
containerd config default | sed 's/SystemdCgroup = false/SystemdCgroup = true/' > /etc/containerd/config.toml
systemctl restart containerd

mkdir -p /etc/apt/keyrings
curl -fsSL "https://pkgs.k8s.io/core:/stable:/${KUBERNETES_MINOR}/deb/Release.key" | gpg --dearmor --yes -o /etc/apt/keyrings/kubernetes-apt-keyring.gpg
echo "deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] https://pkgs.k8s.io/core:/stable:/${KUBERNETES_MINOR}/deb/ /" > /etc/apt/sources.list.d/kubernetes.list
apt-get update -q
# Never a question (no terminal): a configuration file already on the machine is kept as it is.
apt-get install -y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold kubelet kubeadm kubectl
apt-mark hold kubelet kubeadm kubectl
systemctl enable --now kubelet
