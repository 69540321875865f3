#!/bin/sh
# Runs as PID 1 of the transaction's new mount and PID namespaces (started by
# `unshare --mount --pid --fork --kill-child --propagation private`). It performs the mount
# operations it is given, then execs tini, which stays outside the chroot (so `ischroot` in
# maintainer scripts answers "chroot") and runs the command inside it, forwarding signals.
#
# usage: enter.sh ROOT OP... -- COMMAND [ARG...]
#   OP is one of:  proc DST | sysfs DST | rbind SRC DST | bind SRC DST | tmpfs MODE DST
#                  mkdir DST | copy SRC DST | detach PATH
# Every argument is passed as its own word: no path is ever parsed by a shell.
set -u
fail() { echo "transactional-update: could not prepare the chroot: $*" >&2; exit 125; }
root=$1
shift
while [ "$#" -gt 0 ]; do
  op=$1
  shift
  case $op in
    --) break ;;
    proc) mount -t proc -o nosuid,nodev,noexec proc "$1" || fail "proc on $1"; shift ;;
    sysfs) mount -t sysfs -o nosuid,nodev,noexec sysfs "$1" || fail "sysfs on $1"; shift ;;
    rbind) { mount --rbind "$1" "$2" && mount --make-rslave "$2"; } || fail "$1 on $2"; shift 2 ;;
    bind) mount --bind "$1" "$2" || fail "$1 on $2"; shift 2 ;;
    tmpfs) mount -t tmpfs -o "mode=$1,nosuid,nodev" tmpfs "$2" || fail "tmpfs on $2"; shift 2 ;;
    mkdir) mkdir -p "$1" || fail "mkdir $1"; shift ;;
    copy) cat "$1" > "$2" || fail "copy $1 to $2"; shift 2 ;;
    # An inherited mount this namespace must not pin (the host may unmount it meanwhile).
    detach) umount --lazy "$1" 2>/dev/null || true; shift ;;
    *) echo "enter.sh: unknown operation $op" >&2; exit 125 ;;
  esac
done
exec tini -g -- chroot "$root" "$@"
