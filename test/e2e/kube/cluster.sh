#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# A single-node Kubernetes cluster for the end-to-end test, on this machine:
#
#	cluster.sh up DIR     start it; DIR/kubeconfig reaches it, DIR/bin holds kubectl
#	cluster.sh down DIR   stop everything it started, by PID, and remove DIR
#	cluster.sh build      only install and build its parts (CI does this first)
#	cluster.sh built      exit 0 if Kubernetes and CoreDNS are built, 1 if not
#
# Its parts: kube-apiserver, kube-controller-manager, kube-scheduler, kubelet
# and kubectl of one pinned release, built from the Go module proxy with the
# staging modules' replaces swapped for their published versions; CoreDNS
# from the module proxy, run on the host as the cluster's DNS; Debian's etcd,
# containerd, runc and CNI plugins. Pods get addresses from the CNI bridge
# plugin; the node's address is on a bridge of the script's own. There is no
# registry: images are imported with ctr (DIR/bin/ctr-import FILE), the pause
# image included, which test/e2e/kube/pause writes from its own binary.
#
# Needs root. Built binaries are cached by version under
# ${XDG_CACHE_HOME:-~/.cache}/hydro-e2e. Building Kubernetes is most of a
# cold run: 22 minutes of user and 8 of system CPU time for its five
# binaries, CoreDNS 6 more (measured on a 2-core machine of the CI's type,
# shared with other builds; the wall time on an idle one is not measured).
# Wall time of cluster.sh build with empty XDG_CACHE_HOME and GOCACHE,
# measured on 2026-12-06 on that machine shared with seven other workers'
# builds (load 10 to 48, this build getting about a quarter of a core):
# more than 47 minutes, with the modules already downloaded: at 47 minutes
# four of the five Kubernetes binaries were built and kubectl and CoreDNS
# were not. A first run that also downloaded the modules had reached the
# API server's packages after 54 minutes when the disk filled. The
# Debian packages were installed already (about 2 minutes of apt-get).
# Warm, the node is Ready in 10 to 30 s.
set -euo pipefail

K8S=v1.37.2     # k8s.io/kubernetes; its staging modules are v0.37.2
STAGING=v0.37.2
COREDNS=v1.15.0

usage() {
	echo "usage: $0 up DIR | down DIR | build | built" >&2
	exit 2
}
cmd=${1:-}
dir=${2:-}
case "$cmd" in
up | down) [ -n "$dir" ] || usage ;;
build | built) ;;
*) usage ;;
esac
root=$(cd "$(dirname "$0")/../../.." && pwd)
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin:/usr/sbin:/sbin"

# The cluster's addresses: the node on a bridge of its own, pods on the CNI
# bridge. Chosen away from the SSH test's 10.231.7.0/24.
BRIDGE=hydrok8s0
NODE_IP=10.232.0.1
POD_CIDR=10.244.77.0/24
SERVICE_CIDR=10.96.77.0/24
API_PORT=16443

stop_pids() {
	[ -f "$dir/pids" ] || return 0
	# Kubelet first, so that it starts no pod while the rest go down.
	tac "$dir/pids" | while read -r name pid; do
		kill "$pid" 2>/dev/null || true
	done
	for _ in $(seq 100); do
		alive=0
		while read -r name pid; do
			if kill -0 "$pid" 2>/dev/null; then alive=1; fi
		done <"$dir/pids"
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	while read -r name pid; do
		kill -9 "$pid" 2>/dev/null || true
	done <"$dir/pids"
	rm -f "$dir/pids"
}

down() {
	[ -d "$dir" ] || return 0
	# The pods' containers are children of containerd-shim processes that
	# outlive containerd; they are found by the state directory they run in.
	stop_pids
	pkill -9 -f "containerd-shim.*$dir/containerd" 2>/dev/null || true
	# Mounts under the directory (kubelet's volumes, containerd's
	# snapshots and the pods' network namespaces) go before it does.
	{ grep -o " $dir/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^cni-' || true); do
		ip netns delete "$ns" 2>/dev/null || true
	done
	ip link delete "$BRIDGE" 2>/dev/null || true
	ip link delete hydrocni0 2>/dev/null || true
	rm -rf "$dir"
}

if [ "$cmd" = down ]; then
	down
	exit 0
fi

# Kubernetes and CoreDNS, built once per version.
cache=${XDG_CACHE_HOME:-$HOME/.cache}/hydro-e2e
kbin=$cache/k8s-$K8S/bin
dbin=$cache/coredns-$COREDNS/bin
if [ "$cmd" = built ]; then
	[ -x "$kbin/kubelet" ] && [ -x "$kbin/kubectl" ] && [ -x "$dbin/coredns" ]
	exit
fi
if [ "$(id -u)" != 0 ]; then
	echo "cluster.sh: needs root (it runs containerd, kubelet and a bridge)" >&2
	exit 1
fi

# Debian's parts.
need=()
command -v etcd >/dev/null || need+=(etcd-server)
command -v containerd >/dev/null || need+=(containerd)
command -v runc >/dev/null || need+=(runc)
[ -x /usr/lib/cni/bridge ] || need+=(containernetworking-plugins)
command -v ip >/dev/null || need+=(iproute2)
command -v openssl >/dev/null || need+=(openssl)
command -v iptables >/dev/null || need+=(iptables)
if [ ${#need[@]} -gt 0 ]; then
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -x "$kbin/kubelet" ] || [ ! -x "$kbin/kubectl" ]; then
	src=$cache/k8s-$K8S/src
	mkdir -p "$src" "$kbin"
	(
		cd "$src"
		gomod=$(go mod download -json "k8s.io/kubernetes@$K8S" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
		{
			printf 'module hydro.local/k8s\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$K8S"
			# Every staging module k8s.io/kubernetes replaces with a
			# directory of its own repository, by its published version.
			sed -n '/^replace (/,/^)/p' "$gomod" | awk '/=>/ {print "\t" $1 " => " $1 " '"$STAGING"'"}'
			printf ')\n'
		} >go.mod
		cat >tools.go <<-'EOF'
		//go:build tools

		package tools

		import (
			_ "k8s.io/kubernetes/cmd/kube-apiserver/app"
			_ "k8s.io/kubernetes/cmd/kube-controller-manager/app"
			_ "k8s.io/kubernetes/cmd/kube-scheduler/app"
			_ "k8s.io/kubernetes/cmd/kubelet/app"
			_ "k8s.io/kubectl/pkg/cmd"
		)
		EOF
		GOFLAGS=-mod=mod go mod tidy
		CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "$kbin/" \
			k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
			k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubectl
	)
fi
if [ ! -x "$dbin/coredns" ]; then
	mkdir -p "$dbin"
	(cd /tmp && CGO_ENABLED=0 GOBIN="$dbin" go install -trimpath -ldflags='-s -w' "github.com/coredns/coredns@$COREDNS")
fi

if [ "$cmd" = build ]; then
	echo "cluster.sh: Kubernetes $K8S in $kbin, CoreDNS $COREDNS in $dbin"
	exit 0
fi

down
mkdir -p "$dir"/{bin,pki,etcd,containerd,cni,cni-state,kubelet,logs}
dir=$(cd "$dir" && pwd)
: >"$dir/pids"
start() { # name, then the command; output to logs/NAME.log
	local name=$1
	shift
	"$@" >"$dir/logs/$name.log" 2>&1 &
	echo "$name $!" >>"$dir/pids"
}
fail() {
	echo "cluster.sh: $*" >&2
	for f in "$dir"/logs/*.log; do
		echo "--- $f (last lines)" >&2
		tail -n 20 "$f" >&2
	done
	exit 1
}

# The node's own address, on a bridge that nothing else uses.
ip link add "$BRIDGE" type bridge
ip addr add "$NODE_IP/24" dev "$BRIDGE"
ip link set "$BRIDGE" up

# Certificates: one CA; the API server's serving pair; one client pair in
# system:masters that every component and the test use; the service
# account key.
pki=$dir/pki
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=hydro-e2e-ca \
	-keyout "$pki/ca.key" -out "$pki/ca.crt" 2>/dev/null
issue() { # name, subject, extensions
	openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$pki/$1.key" -out "$pki/$1.csr" 2>/dev/null
	printf '%s\n' "$3" >"$pki/$1.ext"
	openssl x509 -req -in "$pki/$1.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
		-days 2 -extfile "$pki/$1.ext" -out "$pki/$1.crt" 2>/dev/null
}
issue apiserver /CN=kube-apiserver \
	"subjectAltName=IP:$NODE_IP,IP:127.0.0.1,IP:${SERVICE_CIDR%0/24}1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth"
issue admin "/O=system:masters/CN=hydro-e2e-admin" "extendedKeyUsage=clientAuth"
openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null

cat >"$dir/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster:
    server: https://$NODE_IP:$API_PORT
    certificate-authority: $pki/ca.crt
users:
- name: admin
  user:
    client-certificate: $pki/admin.crt
    client-key: $pki/admin.key
contexts:
- name: e2e
  context: {cluster: e2e, user: admin, namespace: default}
current-context: e2e
EOF
kc=$dir/kubeconfig
ln -s "$kbin/kubectl" "$dir/bin/kubectl"

start etcd etcd --name e2e --data-dir "$dir/etcd" \
	--listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
	--listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
	--initial-cluster e2e=http://127.0.0.1:23800

# --endpoint-reconciler-type=none: the reconciler would publish the node's
# bridge address as the kubernetes Service's endpoint and fight over it;
# nothing in the test reaches the API from a pod. The kubelet is reached at
# its node IP: the node's name (hydro-e2e) is in no DNS the machine asks.
start apiserver "$kbin/kube-apiserver" \
	--etcd-servers=http://127.0.0.1:23790 \
	--bind-address="$NODE_IP" --advertise-address="$NODE_IP" --secure-port=$API_PORT \
	--tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" \
	--client-ca-file="$pki/ca.crt" --authorization-mode=Node,RBAC \
	--service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
	--service-account-issuer=https://kubernetes.default.svc.cluster.local \
	--service-cluster-ip-range=$SERVICE_CIDR \
	--kubelet-client-certificate="$pki/admin.crt" --kubelet-client-key="$pki/admin.key" \
	--kubelet-preferred-address-types=InternalIP \
	--endpoint-reconciler-type=none

for _ in $(seq 600); do
	"$kbin/kubectl" --kubeconfig "$kc" get --raw /readyz >/dev/null 2>&1 && break
	sleep 0.2
done
"$kbin/kubectl" --kubeconfig "$kc" get --raw /readyz >/dev/null 2>&1 || fail "the API server is not ready after 2 minutes"

start controller-manager "$kbin/kube-controller-manager" --kubeconfig="$kc" \
	--authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
	--service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
	--leader-elect=false --bind-address=127.0.0.1 --secure-port=0 \
	--allocate-node-cidrs=false --use-service-account-credentials=false
start scheduler "$kbin/kube-scheduler" --kubeconfig="$kc" \
	--authentication-kubeconfig="$kc" --authorization-kubeconfig="$kc" \
	--leader-elect=false --bind-address=127.0.0.1 --secure-port=0

# The cluster's DNS: CoreDNS on the node's address, answering for
# cluster.local from the API (headless Services give the members' names).
cat >"$dir/Corefile" <<EOF
cluster.local:53 {
    bind $NODE_IP
    errors
    kubernetes cluster.local {
        kubeconfig $kc e2e
        ttl 1
    }
    cache 1
}
.:53 {
    bind $NODE_IP
    errors
    template ANY ANY {
        rcode NXDOMAIN
    }
}
EOF
start coredns "$dbin/coredns" -conf "$dir/Corefile"

# containerd of the script's own (root, state and socket in DIR).
# restrict_oom_score_adj: the machine's own processes run with an OOM score
# a container may not go below, and runc fails to set a lower one.
sock=$dir/containerd/containerd.sock
cat >"$dir/containerd/config.toml" <<EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"
[grpc]
  address = "$sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "registry.k8s.io/pause:3.10"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
EOF
cat >"$dir/cni/10-hydro-e2e.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "hydro-e2e",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "hydrocni0",
      "isGateway": true,
      "ipMasq": false,
      "ipam": {
        "type": "host-local",
        "dataDir": "$dir/cni-state",
        "ranges": [[{"subnet": "$POD_CIDR"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "loopback"}
  ]
}
EOF
start containerd containerd --config "$dir/containerd/config.toml"
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	sleep 0.1
done
[ -S "$sock" ] || fail "containerd did not start"
cat >"$dir/bin/ctr-import" <<EOF
#!/bin/sh
exec ctr --address "$sock" -n k8s.io images import "\$1"
EOF
chmod +x "$dir/bin/ctr-import"

# The pause image, from test/e2e/kube/pause.
CGO_ENABLED=0 go build -C "$root" -o "$dir/bin/pause" ./test/e2e/kube/pause
"$dir/bin/pause" -image-tar "$dir/pause.tar" -image registry.k8s.io/pause:3.10
"$dir/bin/ctr-import" "$dir/pause.tar" >/dev/null

# failCgroupV1: false, because this machine type mounts cgroup v1.
# failSwapOn: false, since swap is the machine's own business. The node's
# address is the bridge's, so that pods and the API server agree on it.
# Evictions are off: the test's disk and memory are not the node's to
# guard.
cat >"$dir/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: "$pki/ca.crt"}
authorization: {mode: AlwaysAllow}
clusterDNS: ["$NODE_IP"]
clusterDomain: cluster.local
containerRuntimeEndpoint: "unix://$sock"
cgroupDriver: cgroupfs
failSwapOn: false
failCgroupV1: false
readOnlyPort: 0
healthzPort: 0
port: 10250
address: "$NODE_IP"
evictionHard: {}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
resolvConf: /etc/resolv.conf
serializeImagePulls: false
EOF
start kubelet "$kbin/kubelet" --config="$dir/kubelet.yaml" --kubeconfig="$kc" \
	--root-dir="$dir/kubelet" --hostname-override=hydro-e2e --node-ip="$NODE_IP"

for _ in $(seq 600); do
	if "$kbin/kubectl" --kubeconfig "$kc" get node hydro-e2e \
		-o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null | grep -qx True; then
		ready=1
		break
	fi
	sleep 0.2
done
[ "${ready:-}" = 1 ] || fail "the node is not Ready after 2 minutes"
echo "cluster.sh: node hydro-e2e Ready; KUBECONFIG=$kc"
