#!/bin/sh
# Runs as PID 1 of the transaction's new mount and PID namespaces (started by
# `unshare --mount --pid --fork --kill-child --propagation private`). It performs the mount
# operations it is given, then execs tini, which stays outside the chroot (so `ischroot` in
# maintainer scripts answers "chroot") and runs the command inside it, forwarding signals.
#
# usage: enter.sh ROOT MOUNTS DETACH OP... -- COMMAND [ARG...]
#   MOUNTS  an fstab of the mounts to make, in order (one `mount --all`)
#   DETACH  NUL-separated inherited mount points this namespace must not pin (the host may
#           unmount them meanwhile), deepest first (one `umount --lazy`)
#   OP is one of:  mkdir DST | copy SRC DST, done after the mounts
# Every argument is passed as its own word: no path is ever parsed by a shell. Each process
# costs a transaction milliseconds, hence one mount and one umount for the whole plan.
set -u
fail() { echo "transactional-update: could not prepare the chroot: $*" >&2; exit 125; }
root=$1
mounts=$2
detach=$3
shift 3
mount --all --fstab "$mounts" || fail "the mounts of $mounts"
while [ "$#" -gt 0 ]; do
  op=$1
  shift
  case $op in
    --) break ;;
    mkdir) mkdir -p "$1" || fail "mkdir $1"; shift ;;
    copy) cat "$1" > "$2" || fail "copy $1 to $2"; shift 2 ;;
    *) echo "enter.sh: unknown operation $op" >&2; exit 125 ;;
  esac
done
if [ -s "$detach" ]; then xargs -0 umount --lazy < "$detach" 2>/dev/null || true; fi
exec tini -g -- chroot "$root" "$@"
