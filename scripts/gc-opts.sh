#!/usr/bin/env bash
# Prints the collector flags Osprey's nodes run with for a heap of $1 (a java size: 256m, 1g, 1024M...):
#   -XX:+UseZGC -XX:-ZProactive -XX:SoftMaxHeapSize=<the smaller of 128 MiB and half the heap>
# ZGC keeps pauses under a millisecond where G1's reached 20-50 ms on two busy cores. The soft maximum makes it
# collect before the heap grows past what the broker needs (it allocates little): Java 17's ZGC maps the heap three
# times and RSS counts a page once per mapping it was touched through, so every page ZGC spreads allocation over
# costs up to three times its size in RSS. The heap may still grow to -Xmx under pressure.
# -XX:-ZProactive: no collections on ZGC's own initiative, only when allocation needs them. At 1,000 records/s the
# proactive rule collected every 2 s; each cycle's concurrent worker holds a core for 2-20 ms, and on two cores a
# request thread queued behind it waits for the kernel to move it (docs/performance.md, "The end-to-end tail").
# Used by scripts/cluster.sh and scripts/bench-vs-kafka.sh; docs/performance.md, "Garbage collector", has the figures.
set -euo pipefail
size="${1:?usage: gc-opts.sh <heap size, e.g. 1g>}"
num="${size%[kKmMgG]}"
case "$size" in
  *[gG]) mib=$((num * 1024)) ;;
  *[mM]) mib=$num ;;
  *[kK]) mib=$((num / 1024)) ;;
  *) mib=$((num / 1048576)) ;;
esac
soft=$(( mib / 2 < 128 ? mib / 2 : 128 ))
if [ "$soft" -ge 8 ]; then
  echo "-XX:+UseZGC -XX:-ZProactive -XX:SoftMaxHeapSize=${soft}m"
else
  echo "-XX:+UseZGC -XX:-ZProactive"
fi
