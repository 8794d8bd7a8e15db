#!/bin/sh
# Runs a bundle's sine the way Lambda does and checks what it wrote and
# which libsndfile it loaded. Used by the bundle tests here and by
# Dockerfile.verify inside amazonlinux:2.
#
#   tests/lambda-smoke.sh TASK_DIR OUTPUT_WAV
#
# TASK_DIR plays /var/task. SMOKE_DECOY_DIR, if set, is searched first, like
# /lib64 on Lambda: put another libsndfile.so.1 there to prove the bundled one
# wins. SMOKE_RUNNER prefixes the command (e.g. qemu-aarch64-static -L ...).
set -eu
task=$(cd "$1" && pwd)
out=$2
ld_path="/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:$task:$task/lib:/opt/lib"
if [ -n "${SMOKE_DECOY_DIR:-}" ]; then ld_path="$SMOKE_DECOY_DIR:$ld_path"; fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cd /
# shellcheck disable=SC2086 # SMOKE_RUNNER is a command line
if ! LD_DEBUG=libs LD_LIBRARY_PATH="$ld_path" ${SMOKE_RUNNER:-} "$task/sine" 2600 "$out" 2>"$log"; then
  grep -v '^ *[0-9]*:' "$log" >&2 || true
  echo "FAIL: $task/sine 2600 $out exited non-zero" >&2
  exit 1
fi
description=$(file -b "$out")
case "$description" in
  "RIFF (little-endian) data, WAVE audio, Microsoft PCM, 24 bit, mono 44100 Hz"*) ;;
  *) echo "FAIL: $out is: $description" >&2; exit 1 ;;
esac
loaded=$(sed -n 's/.*calling init: \(.*libsndfile[^ ]*\).*/\1/p' "$log" | head -n 1)
if [ "$loaded" != "$task/libsndfile.so.1" ]; then
  echo "FAIL: loaded libsndfile from '${loaded:-nowhere}', not $task/libsndfile.so.1" >&2
  exit 1
fi
echo "ok: $out ($description), libsndfile from $loaded"
