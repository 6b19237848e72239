#!/usr/bin/env bash
# The e2e fleet on kind, for machines with Docker (the local-process fleet is the default everywhere else).
#   MEMBERS=2 KUBECONFIG_OUT=.herd/kind/kubeconfig bash e2e/fleet/kind-fleet.sh up|down
# Creates herd-host and herd-member-1..N. kind's kubeadm already configures the aggregation layer (front-proxy CA,
# --requestheader-*, proxy client certificate) and runs kube-controller-manager, so the host matches the local
# fleet; members get one worker node labelled with the same region/zone as the local fleet's member-N.
# Contexts in KUBECONFIG_OUT: host, member-1 … member-N.
set -euo pipefail
MEMBERS=${MEMBERS:-2}
OUT=${KUBECONFIG_OUT:-.herd/kind/kubeconfig}
REGIONS=(eu-west us-east ap-south us-west eu-central ap-northeast sa-east af-south)
ZONES=(a b c d e f g h i j k l m n o p q r s t)

names() { echo herd-host; for i in $(seq 1 "$MEMBERS"); do echo "herd-member-$i"; done; }

up() {
  command -v kind >/dev/null || { echo "kind is not installed (it needs Docker); use HERD_E2E_PROVIDER=local" >&2; exit 1; }
  mkdir -p "$(dirname "$OUT")"; : > "$OUT"
  for name in $(names); do
    cfg=$(mktemp)
    if [[ $name == herd-host ]]; then
      printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n' > "$cfg"
      ctx=host
    else
      i=${name#herd-member-}; r=${REGIONS[$(( (i - 1) % 8 ))]}; z="$r-${ZONES[$(( (i - 1) % 20 ))]}"
      printf 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n  labels:\n    topology.kubernetes.io/region: %s\n    topology.kubernetes.io/zone: %s\n' "$r" "$z" > "$cfg"
      ctx=member-$i
    fi
    kind get clusters 2>/dev/null | grep -qx "$name" || kind create cluster --name "$name" --config "$cfg" --wait 120s
    rm -f "$cfg"
    KUBECONFIG=$OUT kind export kubeconfig --name "$name"
    KUBECONFIG=$OUT kubectl config rename-context "kind-$name" "$ctx"
  done
  echo "kind fleet ready: KUBECONFIG=$OUT"
}

down() {
  for name in $(names); do kind delete cluster --name "$name" || true; done
  rm -f "$OUT"
}

"${1:?usage: kind-fleet.sh up|down}"
