#!/usr/bin/env bash
# Runs Osprey nodes on this machine, each with its own directory, config, pid file and log.
#
#   scripts/cluster.sh start [N]     build if needed, format and start N combined nodes (broker + controller,
#                                    node ids 1..N, one controller quorum of N voters; default 1), wait until every
#                                    node serves and every partition has a leader, print a table and, last,
#                                    "export BOOTSTRAP_SERVERS=..."; with N=1 it first produces and consumes
#                                    300,000 records with Osprey's clients (OSPREY_SKIP_DEMO=1 skips)
#   scripts/cluster.sh start N --controllers K
#                                    N broker-only nodes (ids 1..N) and K separate controller-only nodes (ids
#                                    101..100+K) that form the quorum; controllers start first
#   scripts/cluster.sh stop [id]     SIGTERM by pid file (controlled shutdown), SIGKILL after a grace period
#   scripts/cluster.sh kill <id>     SIGKILL by pid file (a crash)
#   scripts/cluster.sh pause <id>    SIGSTOP by pid file (a node that hangs: its sockets stay open, nothing answers)
#   scripts/cluster.sh resume <id>   SIGCONT by pid file (the paused node carries on)
#   scripts/cluster.sh restart <id>  stop (if running) and start one node again, and wait until it serves
#   scripts/cluster.sh status        the table start prints: one line per node (state from its admin port's /ready)
#   scripts/cluster.sh logs <id>     print a node's log
#   scripts/cluster.sh clean         stop everything and delete the cluster directory
#
# Nodes live under ${OSPREY_CLUSTER_DIR:-<repo>/cluster}/node-<id>/ (server.properties, data/,
# node.log, node.pid). Node <id> serves clients on TCP 127.0.0.1:$((OSPREY_BASE_PORT + id - 1))
# (base 9092), its controller on the five UDP ports from $((OSPREY_CONTROLLER_BASE_PORT + 10 * (id - 1)))
# (base 9093), and its admin HTTP port on $((OSPREY_ADMIN_BASE_PORT + id - 1)) (base 9080).
# Processes are only ever signalled by the pid recorded in their own pid file, never by name.
# JVM: -Xms/-Xmx ${OSPREY_HEAP:-256m} and ZGC with a soft maximum of 128 MiB (scripts/gc-opts.sh); OSPREY_GC_OPTS
# replaces the collector flags.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cluster_dir="${OSPREY_CLUSTER_DIR:-$root/cluster}"
base_port="${OSPREY_BASE_PORT:-9092}"
admin_base_port="${OSPREY_ADMIN_BASE_PORT:-9080}"
controller_base_port="${OSPREY_CONTROLLER_BASE_PORT:-9093}"
heap="${OSPREY_HEAP:-256m}"
grace_seconds="${OSPREY_STOP_GRACE_SECONDS:-30}"

die() { echo "cluster.sh: $*" >&2; exit 1; }

jar_path() { ls "$root"/broker/target/osprey-broker-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1 || true; }

build_if_needed() {
  local jar; jar=$(jar_path)
  if [ -z "$jar" ] || [ -n "$(find "$root/client/src/main" "$root/replication/src/main" "$root/broker/src/main" \
       "$root/pom.xml" "$root/client/pom.xml" "$root/replication/pom.xml" "$root/broker/pom.xml" -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
    echo "Building the broker (./mvnw -B -q -DskipTests -pl broker -am package)..."
    (cd "$root" && ./mvnw -B -q -DskipTests -pl broker -am package)
  fi
}

classpath() { echo "$(jar_path):$root/broker/target/lib/*"; }

# The nodes' collector flags: ZGC with a soft heap maximum (scripts/gc-opts.sh says why; docs/performance.md, "Garbage
# collector"); OSPREY_GC_OPTS replaces them, e.g. -XX:+UseG1GC (Kafka's choice).
node_gc_opts() { if [ -n "${OSPREY_GC_OPTS:-}" ]; then echo "$OSPREY_GC_OPTS"; else "$root/scripts/gc-opts.sh" "$heap"; fi; }

# Short-lived tools (format, cluster id, probes) with the nodes' classpath and logging.
java_cmd() {
  java -Xmx"$heap" -Xms"$heap" -XX:+UseG1GC --add-exports java.base/jdk.internal.misc=ALL-UNNAMED \
    -Dlogback.configurationFile="$root/conf/logback.xml" -cp "$(classpath)" "$@"
}

node_dir() { echo "$cluster_dir/node-$1"; }
node_port() { echo $((base_port + $1 - 1)); }
admin_port() { echo $((admin_base_port + $1 - 1)); }
controller_port() { echo $((controller_base_port + 10 * ($1 - 1))); }
# The node count of this cluster: written by start, so restart and status know the voters.
cluster_size() { cat "$cluster_dir/cluster.size" 2>/dev/null || echo 1; }
# Separate controller-only nodes (0: every node is broker and controller).
controller_count() { cat "$cluster_dir/controllers.count" 2>/dev/null || echo 0; }
controller_ids() { local k; k=$(controller_count); [ "$k" -gt 0 ] && seq 101 $((100 + k)) || true; }
is_controller_only() { [ "$1" -gt 100 ]; }
# The voters: the controller-only nodes when there are any, else every (combined) node.
voters() {
  local n=$1 v="" id ids
  if [ "$(controller_count)" -gt 0 ]; then ids=$(controller_ids); else ids=$(seq 1 "$n"); fi
  for id in $ids; do v="${v:+$v,}$id@127.0.0.1:$(controller_port "$id")"; done
  echo "$v"
}
roles_of() {
  if is_controller_only "$1"; then echo controller
  elif [ "$(controller_count)" -gt 0 ]; then echo broker
  else echo broker,controller; fi
}

pid_of() {
  local f; f="$(node_dir "$1")/node.pid"
  [ -f "$f" ] && cat "$f" || true
}

is_running() {
  local pid; pid=$(pid_of "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# Whether node <id>'s process is stopped by SIGSTOP (state T in ps).
is_paused() {
  local pid st; pid=$(pid_of "$1")
  [ -n "$pid" ] || return 1
  st=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  [[ "$st" == T* ]]
}

# The first running, not paused node, or nothing.
live_node() {
  local id
  for id in $(node_ids); do
    if ! is_controller_only "$id" && is_running "$id" && ! is_paused "$id"; then echo "$id"; return; fi
  done
}

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
udp_port_taken() { command -v ss > /dev/null && [ -n "$(ss -Hlun "sport = :$1" 2>/dev/null)" ]; }

# Names the first port node <id> needs that something else holds.
check_ports_free() {
  local id=$1 p base
  for p in "$(node_port "$id")" "$(admin_port "$id")"; do
    port_taken "$p" && die "TCP port $p (node $id) is already in use by another process; stop it or set OSPREY_BASE_PORT / OSPREY_ADMIN_BASE_PORT"
  done
  base=$(controller_port "$id")
  for p in $(seq "$base" $((base + 4))); do
    udp_port_taken "$p" && die "UDP port $p (node $id controller) is already in use by another process; stop it or set OSPREY_CONTROLLER_BASE_PORT"
  done
  return 0
}

node_ids() {
  ls -d "$cluster_dir"/node-* 2>/dev/null | sed 's/.*node-//' | sort -n || true
}

write_config() {
  local id=$1 dir; dir=$(node_dir "$id")
  mkdir -p "$dir/data"
  {
    echo "# Generated by scripts/cluster.sh from conf/server.properties for node $id."
    local size; size=$(cluster_size)
    if [ "$size" -ge 3 ]; then
      # Three or more nodes: replicate by default, as a Kafka cluster is usually set up.
      grep -v -E '^(node\.id|process\.roles|controller\.quorum\.voters|listeners|advertised\.listeners|log\.dirs?|osprey\.admin\.http\.listener|default\.replication\.factor|min\.insync\.replicas|offsets\.topic\.replication\.factor)=' "$root/conf/server.properties"
      echo "default.replication.factor=3"
      echo "min.insync.replicas=2"
      echo "offsets.topic.replication.factor=3"
    else
      grep -v -E '^(node\.id|process\.roles|controller\.quorum\.voters|listeners|advertised\.listeners|log\.dirs?|osprey\.admin\.http\.listener)=' "$root/conf/server.properties"
    fi
    echo "node.id=$id"
    echo "process.roles=$(roles_of "$id")"
    echo "controller.quorum.voters=$(voters "$(cluster_size)")"
    is_controller_only "$id" || echo "listeners=PLAINTEXT://127.0.0.1:$(node_port "$id")"
    echo "log.dirs=$dir/data"
    echo "osprey.admin.http.listener=127.0.0.1:$(admin_port "$id")"
  } > "$dir/server.properties"
}

start_node() {
  local id=$1 dir port; dir=$(node_dir "$id"); port=$(node_port "$id")
  if is_running "$id"; then
    echo "node $id already running (pid $(pid_of "$id"))"
    return
  fi
  check_ports_free "$id"
  write_config "$id"
  if [ ! -f "$dir/data/meta.properties" ]; then
    local cid_file="$cluster_dir/cluster.id"
    [ -f "$cid_file" ] || java_cmd io.osprey.tools.ClusterId > "$cid_file"
    java_cmd io.osprey.Node format "$dir/server.properties" --cluster-id "$(cat "$cid_file")" > "$dir/format.log" 2>&1 \
      || { cat "$dir/format.log" >&2; die "formatting node $id failed"; }
  fi
  # shellcheck disable=SC2046
  nohup bash -c 'exec "$@"' _ java -Xmx"$heap" -Xms"$heap" $(node_gc_opts) \
    --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dlogback.configurationFile="$root/conf/logback.xml" \
    -cp "$(classpath)" io.osprey.Node "$dir/server.properties" >> "$dir/node.log" 2>&1 < /dev/null &
  echo $! > "$dir/node.pid"
}

# Waits until node <id> serves, lists at least <brokers> brokers and every partition has a leader
# (a controller-only node: until its /ready answers 200, the quorum has a leader).
wait_ready() {
  local id=$1 brokers=${2:-1} port deadline; port=$(node_port "$id"); deadline=$((SECONDS + 90))
  if is_controller_only "$id"; then
    until [ "$(ready_state "$id")" = ready ]; do
      is_running "$id" || die "controller node $id exited during start-up (log: $(node_dir "$id")/node.log)"
      [ $SECONDS -lt $deadline ] || die "controller node $id was not ready within 90 s (log: $(node_dir "$id")/node.log)"
      sleep 0.5
    done
    return
  fi
  until java_cmd io.osprey.tools.Probe "127.0.0.1:$port" --quiet --brokers "$brokers"; do
    if ! is_running "$id"; then
      tail -n 30 "$(node_dir "$id")/node.log" >&2 || true
      die "node $id exited during start-up (log above: $(node_dir "$id")/node.log)"
    fi
    [ $SECONDS -lt $deadline ] || die "node $id did not serve on port $port with $brokers broker(s) and every partition led within 90 s"
    sleep 0.5
  done
}

# A running node's state from its admin port's /ready: ready, not-ready (the reason is in the body),
# or running when curl is missing or the admin port does not answer.
ready_state() {
  command -v curl > /dev/null 2>&1 || { echo running; return; }
  local code; code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$(admin_port "$1")/ready" || true)
  case "$code" in 200) echo ready ;; 503) echo not-ready ;; *) echo running ;; esac
}

print_status() {
  local id controller=-1
  # Separate controllers: the active one says so on its metrics (brokers then name a broker to clients).
  for id in $(controller_ids); do
    if is_running "$id" && ! is_paused "$id" && command -v curl > /dev/null 2>&1 &&
        curl -s -m 2 "http://127.0.0.1:$(admin_port "$id")/metrics" | grep -q '^osprey_active_controller 1'; then
      controller=$id
      break
    fi
  done
  for id in $( [ "$controller" = -1 ] && node_ids ); do
    if ! is_controller_only "$id" && is_running "$id" && ! is_paused "$id"; then
      controller=$(java_cmd io.osprey.tools.Probe "127.0.0.1:$(node_port "$id")" --controller 2>/dev/null || echo -1)
      [ "$controller" != -1 ] && break
    fi
  done
  printf '%-5s %-8s %-16s %-12s %-6s %-18s %-8s\n' node pid listener controller admin role state
  for id in $(node_ids); do
    local state=stopped pid role listener="127.0.0.1:$(node_port "$id")" ctl="udp:$(controller_port "$id")"
    role=$(roles_of "$id"); pid=$(pid_of "$id")
    is_controller_only "$id" && listener=-
    [ "$role" = broker ] && ctl=-
    if is_paused "$id"; then state=paused; elif is_running "$id"; then state=$(ready_state "$id"); else pid=-; fi
    [ "$id" = "$controller" ] && role="$role*"
    printf '%-5s %-8s %-16s %-12s %-6s %-18s %-8s\n' "$id" "$pid" "$listener" "$ctl" "$(admin_port "$id")" "$role" "$state"
  done
  echo "(* = active controller)"
}

# What start prints and status repeats: the probe line of a serving node, then the node table.
show_status() {
  local live; live=$(live_node)
  if [ -n "$live" ]; then
    java_cmd io.osprey.tools.Probe "127.0.0.1:$(node_port "$live")" || true
  else
    echo "no running node to probe (every node is stopped or paused)"
  fi
  print_status
}

kill_node() {
  local id=$1 pid; pid=$(pid_of "$id")
  is_running "$id" || die "node $id is not running"
  kill -KILL "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$(node_dir "$id")/node.pid"
  echo "killed node $id (pid $pid) with SIGKILL"
}

pause_node() {
  local id=$1 pid; pid=$(pid_of "$id")
  is_running "$id" || die "node $id is not running"
  kill -STOP "$pid"
  echo "paused node $id (pid $pid) with SIGSTOP; resume with: scripts/cluster.sh resume $id"
}

resume_node() {
  local id=$1 pid; pid=$(pid_of "$id")
  is_running "$id" || die "node $id is not running"
  kill -CONT "$pid"
  echo "resumed node $id (pid $pid) with SIGCONT"
}

stop_node() {
  local id=$1 pid; pid=$(pid_of "$id")
  if ! is_running "$id"; then
    rm -f "$(node_dir "$id")/node.pid"
    return
  fi
  kill -TERM "$pid"
  # A paused node would hold the SIGTERM until resumed: let it run so it can shut down cleanly.
  kill -CONT "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + grace_seconds))
  while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "node $id (pid $pid) did not stop within ${grace_seconds}s; sending SIGKILL" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$(node_dir "$id")/node.pid"
  echo "stopped node $id (pid $pid)"
}

cmd="${1:-}"
case "$cmd" in
  start)
    n="${2:-1}"
    k=0
    if [ "${3:-}" = --controllers ]; then k="${4:?--controllers needs a count}"; fi
    [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] || die "start takes a node count >= 1, got '$n'"
    [[ "$k" =~ ^[0-9]+$ ]] && [ "$k" -le 99 ] || die "--controllers takes a count from 0 to 99, got '$k'"
    if [ -f "$cluster_dir/cluster.size" ] && { [ "$(cluster_size)" != "$n" ] || [ "$(controller_count)" != "$k" ]; }; then
      die "$cluster_dir holds a cluster of $(cluster_size) node(s) and $(controller_count) controller(s); its voters are fixed: 'clean' first"
    fi
    build_if_needed
    mkdir -p "$cluster_dir"
    echo "$n" > "$cluster_dir/cluster.size"
    echo "$k" > "$cluster_dir/controllers.count"
    # All first, then wait: a broker serves only once a majority of the controllers is up.
    for id in $(controller_ids); do start_node "$id"; done
    for id in $(seq 1 "$n"); do start_node "$id"; done
    for id in $(controller_ids); do wait_ready "$id"; done
    for id in $(seq 1 "$n"); do wait_ready "$id" "$n"; done
    if [ "$n" -eq 1 ] && [ "${OSPREY_SKIP_DEMO:-0}" != 1 ]; then
      # Show it working with Osprey's own clients: a topic, a few hundred thousand records out and back, the rates.
      java -Xmx256m -Dlogback.configurationFile="$root/conf/logback-cli.xml" -cp "$(classpath)" \
        io.osprey.tools.Quickstart "127.0.0.1:$(node_port 1)" quickstart "${OSPREY_DEMO_RECORDS:-300000}" 100
    fi
    show_status
    echo "Stop with: scripts/cluster.sh stop   (status: scripts/cluster.sh status, log: scripts/cluster.sh logs 1)"
    servers=""
    for id in $(seq 1 "$n"); do servers="${servers:+$servers,}127.0.0.1:$(node_port "$id")"; done
    echo "export BOOTSTRAP_SERVERS=$servers"
    ;;
  kill)
    [ -n "${2:-}" ] || die "kill takes a node id"
    kill_node "$2"
    ;;
  restart)
    [ -n "${2:-}" ] || die "restart takes a node id"
    [ -d "$(node_dir "$2")" ] || die "no node $2 under $cluster_dir"
    stop_node "$2"
    start_node "$2"
    wait_ready "$2" 1
    echo "restarted node $2 (pid $(pid_of "$2"))"
    ;;
  stop)
    if [ -n "${2:-}" ]; then stop_node "$2"; else for id in $(node_ids); do stop_node "$id"; done; fi
    ;;
  pause)
    [ -n "${2:-}" ] || die "pause takes a node id"
    pause_node "$2"
    ;;
  resume)
    [ -n "${2:-}" ] || die "resume takes a node id"
    resume_node "$2"
    ;;
  status)
    show_status
    ;;
  logs)
    [ -n "${2:-}" ] || die "logs takes a node id"
    cat "$(node_dir "$2")/node.log"
    ;;
  clean)
    for id in $(node_ids); do stop_node "$id"; done
    rm -rf "$cluster_dir"
    echo "removed $cluster_dir"
    ;;
  *)
    sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'
    [ -z "$cmd" ] && exit 2 || die "unknown command '$cmd'"
    ;;
esac
