#!/bin/sh
# Runs a command (a node's kubelet) with the node's own files over some of the machine's: each line
# of SANDBOX/binds is "SOURCE TARGET", bound with `mount --bind` (a file over a file, a directory over
# a directory). Run it in a mount namespace of its own (unshare --mount --propagation private): the
# binds are seen by that command alone and vanish with it; the machine's files are never written.
# Usage: kubelet-sandbox.sh SANDBOX COMMAND [ARG...]
set -eu
sandbox=$1
shift
while read -r source target; do
  [ -n "$source" ] || continue
  mount --bind "$source" "$target"
done <"$sandbox/binds"
exec "$@"
