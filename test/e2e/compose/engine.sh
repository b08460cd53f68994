#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# A Docker engine for the Compose end-to-end test, on this machine:
#
#	engine.sh up DIR     start it; DIR/docker.sock reaches it, DIR/bin holds
#	                     docker and docker-compose
#	engine.sh down DIR   stop everything it started, by PID, and remove DIR
#	engine.sh build      only install and build its parts (CI does this first)
#	engine.sh built      exit 0 if its parts are there, 1 if not
#
# Its parts: Debian's docker.io (dockerd, the docker CLI, containerd, runc)
# and Docker Compose v2 (github.com/docker/compose/v5), built from the Go
# module proxy: Debian's own docker-compose is the Python 1.29 one, which
# refuses the Compose specification's top-level name. The compose binary
# is cached by version under ${XDG_CACHE_HOME:-~/.cache}/hydro-e2e.
#
# The engine is a dockerd of the script's own: its data, state and socket
# are in DIR, so that a Docker engine of the machine, if there is one, is
# left alone. Needs root.
#
# Measured on 2026-12-06 on a 2-core machine of the CI's type, shared with
# other builds (load around 40): apt-get install of docker.io about 2
# minutes; the compose build 17 and 22 minutes of wall time in two runs
# (2 and 3.3 minutes of user CPU time, 0.8 and 1.2 of system), each with
# the modules downloaded and a Go build cache holding the common ones: not
# a cold build. Warm, dockerd is up in about 2 s; the test takes about 2
# minutes.
set -euo pipefail

COMPOSE=v5.6.0 # github.com/docker/compose/v5

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
export PATH="$PATH:/usr/local/go/bin:$HOME/go/bin:/usr/sbin:/sbin"

# Compose's networks take their subnets from here: away from the SSH
# test's 10.231.7.0/24 and the Kubernetes test's 10.232.0.0/24 and pods.
POOL=10.233.0.0/16

cache=${XDG_CACHE_HOME:-$HOME/.cache}/hydro-e2e
cbin=$cache/compose-$COMPOSE/bin

down() {
	[ -d "$dir" ] || return 0
	if [ -f "$dir/dockerd.pid" ]; then
		pid=$(cat "$dir/dockerd.pid")
		# dockerd stops its containers (10 s each at most) and its
		# containerd before it exits.
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
	fi
	# What a killed dockerd leaves: its containerd, the containers' shims
	# (and with them the containers), found by the state directory they
	# run in.
	pkill -9 -f "containerd.*$dir/exec" 2>/dev/null || true
	{ grep -o " $dir/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
	# The networks' bridges, found by their addresses in the pool.
	ip -o -4 addr show 2>/dev/null | awk '$2 ~ /^br-/ && $4 ~ /^10\.233\./ {print $2}' | sort -u | while read -r br; do
		ip link delete "$br" 2>/dev/null || true
	done
	rm -rf "$dir"
}

if [ "$cmd" = down ]; then
	down
	exit 0
fi
if [ "$cmd" = built ]; then
	[ -x /usr/sbin/dockerd ] && [ -x /usr/bin/docker ] && [ -x "$cbin/docker-compose" ]
	exit
fi
if [ "$(id -u)" != 0 ]; then
	echo "engine.sh: needs root (it runs dockerd)" >&2
	exit 1
fi

# Debian's parts.
if [ ! -x /usr/sbin/dockerd ] || [ ! -x /usr/bin/docker ]; then
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends docker.io iproute2 >/dev/null
fi

# Docker Compose, built once per version. Its module excludes two
# versions; a module that requires it must exclude them too.
if [ ! -x "$cbin/docker-compose" ]; then
	src=$cache/compose-$COMPOSE/src
	mkdir -p "$src" "$cbin"
	(
		cd "$src"
		gomod=$(go mod download -json "github.com/docker/compose/v5@$COMPOSE" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
		{
			printf 'module hydro.local/compose\n\ngo %s\n\nrequire github.com/docker/compose/v5 %s\n\n' "$(sed -n 's/^go //p' "$gomod")" "$COMPOSE"
			sed -n '/^exclude (/,/^)/p' "$gomod" | grep -v '^\s*//'
		} >go.mod
		CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags='-s -w' -o "$cbin/docker-compose" github.com/docker/compose/v5/cmd
	)
fi

if [ "$cmd" = build ]; then
	echo "engine.sh: docker.io $(dpkg-query -W -f='${Version}' docker.io), Docker Compose $COMPOSE in $cbin"
	exit 0
fi

down
mkdir -p "$dir/bin"
dir=$(cd "$dir" && pwd)
ln -s /usr/bin/docker "$dir/bin/docker"
ln -s "$cbin/docker-compose" "$dir/bin/docker-compose"

# --iptables=false: dockerd would set the FORWARD chain's policy to DROP,
# and this machine type loads br_netfilter (bridge-nf-call-iptables=1),
# so that would drop the traffic on every other bridge of the machine,
# the SSH and Kubernetes tests' included. Containers of one network still
# reach each other (one bridge) and find each other through Docker's DNS,
# and published ports go through docker-proxy.
# --bridge=none: no docker0; Compose makes a network of its own.
# The storage driver is Docker's default, overlay2, which works on this
# machine type's ext4.
setsid dockerd --data-root "$dir/root" --exec-root "$dir/exec" --pidfile "$dir/dockerd.pid" \
	-H "unix://$dir/docker.sock" --iptables=false --bridge=none \
	--default-address-pool "base=$POOL,size=24" >"$dir/dockerd.log" 2>&1 </dev/null &
for _ in $(seq 600); do
	DOCKER_HOST="unix://$dir/docker.sock" /usr/bin/docker version >/dev/null 2>&1 && break
	sleep 0.1
done
if ! DOCKER_HOST="unix://$dir/docker.sock" /usr/bin/docker version >/dev/null 2>&1; then
	echo "engine.sh: dockerd is not up after 60 s" >&2
	tail -n 30 "$dir/dockerd.log" >&2
	exit 1
fi
echo "engine.sh: dockerd up; DOCKER_HOST=unix://$dir/docker.sock"
