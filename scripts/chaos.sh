#!/usr/bin/env bash
# Fault-injection run: a three-node Osprey cluster, idempotent acks=all producers and consumers against a topic with
# replication factor 3 and min.insync.replicas=2, and a seeded nemesis that kills leaders and the active controller,
# pauses and restarts nodes and cuts nodes off the network (both ways and one way: with network namespaces as root,
# else with a fault-injecting TCP proxy in front of every node). At the
# end everything is healed and a checker reads it all back: any lost, duplicated, reordered or vanished record, or
# replicas that differ on disk, fails the run (exit 1).
#
#   scripts/chaos.sh [--minutes M] [--seed S] [--keep] [-- extra options of io.osprey.chaos.ChaosMain]
#
#   --minutes M   minutes of faults (default 2; fractions allowed); setup and checking add about 1-2 minutes
#   --seed S      the nemesis's seed (default: random, printed); the same seed makes the same decisions
#   --keep        keep the run directory (node data and logs) even when the run passes
#
# Works without a terminal (CI=true, stdin closed). Bounded: the run is killed after M minutes + 15 minutes.
# Nodes, namespaces, veths and the bridge it creates are removed on every exit, including failures and timeouts.
# The run directory is ${OSPREY_CHAOS_DIR:-<repo>/target/chaos}/run-<time>-<pid>: removed when the run passes,
# and on failure reduced to the logs (chaos.log, client.log, node-<id>/node.log), which are kept for diagnosis.
# OSPREY_CHAOS_NETWORK picks how partitions are made: auto (default: netns as root with `ip`, else proxy), netns, proxy
# or none (no partitions).
# netns: node <id> in namespace osprey-chaos-<id> at ${OSPREY_CHAOS_SUBNET:-10.77.0}.<id>, joined by a veth pair
# (ochaos-h<id> on the bridge ochaos-br, ochaos-n<id> in the namespace) to the bridge at .254; cuts TCP and UDP.
# proxy: nodes on 127.0.0.1, each advertising a TCP proxy in the chaos JVM that holds the bytes of a cut direction;
# cuts every TCP connection (replication, clients) but not the controller quorum's UDP.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minutes=2
seed=""
keep=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="${2:?--minutes needs a value}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a value}"; shift 2 ;;
    --keep) keep=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "chaos.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$minutes" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "chaos.sh: --minutes takes a number, got '$minutes'" >&2; exit 2; }
[ -z "$seed" ] || [[ "$seed" =~ ^[0-9]+$ ]] || { echo "chaos.sh: --seed takes a non-negative integer, got '$seed'" >&2; exit 2; }

ns_prefix=osprey-chaos-
bridge=ochaos-br
subnet="${OSPREY_CHAOS_SUBNET:-10.77.0}"
base_port="${OSPREY_CHAOS_BASE_PORT:-19092}"
nodes=3
run_dir="${OSPREY_CHAOS_DIR:-$root/target/chaos}/run-$(date +%Y%m%d-%H%M%S)-$$"
netns_up=0
java_pid=""

jar_path() { ls "$root"/broker/target/osprey-broker-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1 || true; }

# As scripts/cluster.sh: package the broker when its jar is missing or older than a source file.
build_if_needed() {
  local jar; jar=$(jar_path)
  if [ -z "$jar" ] || [ -n "$(find "$root/client/src/main" "$root/replication/src/main" "$root/broker/src/main" \
       "$root/pom.xml" "$root/client/pom.xml" "$root/replication/pom.xml" "$root/broker/pom.xml" -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
    echo "Building the broker (./mvnw -B -q -DskipTests -pl broker -am package)..."
    (cd "$root" && ./mvnw -B -q -DskipTests -pl broker -am package)
  fi
}

teardown_netns() {
  local id
  for id in $(seq 1 "$nodes"); do
    ip netns del "$ns_prefix$id" 2>/dev/null || true    # takes the veth pair with it
    ip link del "ochaos-h$id" 2>/dev/null || true
  done
  ip link del "$bridge" 2>/dev/null || true
}

# Namespaces left by a run that was killed before its clean-up are removed; ones with processes inside belong to a
# run still going, and this one refuses to touch them.
clear_stale_netns() {
  local id
  for id in $(seq 1 "$nodes"); do
    if ip netns list 2>/dev/null | grep -qw "$ns_prefix$id"; then
      if [ -n "$(ip netns pids "$ns_prefix$id" 2>/dev/null)" ]; then
        echo "chaos.sh: namespace $ns_prefix$id has processes: another chaos run is active" >&2
        exit 2
      fi
    fi
  done
  teardown_netns
}

setup_netns() {
  [ "$(id -u)" = 0 ] || return 1
  command -v ip > /dev/null || return 1
  clear_stale_netns
  ip link add "$bridge" type bridge || return 1
  netns_up=1
  ip addr add "$subnet.254/24" dev "$bridge" || return 1
  ip link set "$bridge" up || return 1
  local id ns
  for id in $(seq 1 "$nodes"); do
    ns="$ns_prefix$id"
    ip netns add "$ns" || return 1
    ip link add "ochaos-h$id" type veth peer name "ochaos-n$id" || return 1
    ip link set "ochaos-n$id" netns "$ns" || return 1
    ip link set "ochaos-h$id" master "$bridge" || return 1
    ip link set "ochaos-h$id" up || return 1
    ip netns exec "$ns" ip link set lo up || return 1
    ip netns exec "$ns" ip addr add "$subnet.$id/24" dev "ochaos-n$id" || return 1
    ip netns exec "$ns" ip link set "ochaos-n$id" up || return 1
    # The node must reach the bridge (and through it the others) and itself.
    ip netns exec "$ns" ip route get "$subnet.254" > /dev/null || return 1
    ip netns exec "$ns" ip route get "$subnet.$id" > /dev/null || return 1
  done
  return 0
}

# Only processes this run started: pids from its own pid files, checked against their command line.
kill_run_processes() {
  local f pid
  if [ -n "$java_pid" ] && kill -0 "$java_pid" 2>/dev/null; then
    # java_pid is timeout's; it passes SIGTERM on to the JVM, whose shutdown hook kills the nodes and heals the links.
    local child i; child=$(ps -o pid= --ppid "$java_pid" 2>/dev/null | tr -d ' ' || true)
    kill -TERM "$java_pid" 2>/dev/null || true
    for i in $(seq 1 60); do kill -0 "$java_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$java_pid" $child 2>/dev/null || true
  fi
  for f in "$run_dir"/node-*/node.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$run_dir"; then
      kill -CONT "$pid" 2>/dev/null || true
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
}

# Aeron directories of this run's nodes that a kill -9 left in /dev/shm (a clean stop removes them).
remove_aeron_dirs() {
  local id cport port
  for id in $(seq 1 "$nodes"); do
    if [ "$netns_up" = 1 ]; then port=$base_port; cport=$((base_port + 1)); else port=$((base_port + id - 1)); cport=$((base_port + 101 + 10 * (id - 1))); fi
    rm -rf "/dev/shm/osprey-controller-$id-$cport" "/dev/shm/osprey-broker-$id-$port"
  done
}

status=2
cleanup() {
  trap - EXIT INT TERM
  kill_run_processes
  remove_aeron_dirs
  [ "$netns_up" = 1 ] && teardown_netns
  if [ -d "$run_dir" ]; then
    if [ "$keep" = 1 ]; then
      echo "chaos.sh: run directory kept: $run_dir"
    elif [ "$status" = 0 ]; then
      rm -rf "$run_dir"
    else
      # The data is large (preallocated segments); the logs explain the failure.
      rm -rf "$run_dir"/node-*/data
      echo "chaos.sh: logs kept in $run_dir (chaos.log, client.log, node-<id>/node.log)"
    fi
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'status=130; exit' INT TERM

build_if_needed
mkdir -p "$run_dir"
args=(--dir "$run_dir" --root "$root" --minutes "$minutes" --base-port "$base_port")
[ -n "$seed" ] && args+=(--seed "$seed")
network="${OSPREY_CHAOS_NETWORK:-auto}"
case "$network" in
  auto|netns|proxy|none) ;;
  *) echo "chaos.sh: OSPREY_CHAOS_NETWORK takes auto, netns, proxy or none, got '$network'" >&2; exit 2 ;;
esac
if [ "$network" = auto ] || [ "$network" = netns ]; then
  if setup_netns; then
    args+=(--netns "$ns_prefix" --subnet "$subnet")
  else
    [ "$netns_up" = 1 ] && teardown_netns
    netns_up=0
    if [ "$network" = netns ]; then echo "chaos.sh: OSPREY_CHAOS_NETWORK=netns needs root and ip netns" >&2; exit 2; fi
    echo "chaos.sh: no network namespaces (needs root and ip netns): partitions through a TCP proxy in front of each node"
    args+=(--network proxy)
  fi
else
  args+=(--network "$network")
fi

# The faults, plus start-up, draining (up to the producers' 120 s delivery timeout) and checking.
limit=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 + 900 }')
status=0
timeout --kill-after=30 "$limit" java -Xmx512m -XX:+UseG1GC --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
  -Dlogback.configurationFile="$root/conf/logback-cli.xml" -cp "$(jar_path):$root/broker/target/lib/*" \
  io.osprey.chaos.ChaosMain "${args[@]}" "${extra[@]}" < /dev/null > >(tee "$run_dir/chaos.log") 2>> "$run_dir/client.log" &
java_pid=$!
wait "$java_pid" || status=$?
java_pid=""
case "$status" in
  0) ;;
  1) echo "chaos.sh: the run FAILED (the summary above names each non-zero count); last client log lines:"
     tail -n 20 "$run_dir/client.log" || true ;;
  124|137) echo "chaos.sh: the run did not finish within $limit s and was killed"; status=1 ;;
  *) echo "chaos.sh: the run could not be carried out (exit $status); last client log lines:"
     tail -n 20 "$run_dir/client.log" || true ;;
esac
exit "$status"
