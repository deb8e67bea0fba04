#!/usr/bin/env bash
# Side-by-side benchmark of Apache Kafka and Osprey on this machine: single node each, or
# three-node clusters with replication factor 3.
#
#   scripts/bench-vs-kafka.sh [--quick] [--records N] [--rate-seconds S] [--out FILE] [--keep] [--nodes 1|3] [--rounds R]
#                             [--no-warmup]
#
#   --quick           a small matrix for a smoke run (about 2-3 minutes once Kafka is cached)
#   --records N       records per maximum-rate producer run (default 1,000,000; --quick 200,000)
#   --rate-seconds S  length of each fixed-rate (50,000 records/s) run (default 10; --quick 2)
#   --out FILE        also write the table as markdown to FILE
#   --keep            keep the work directory (configs, broker logs, GC logs, every tool's output)
#   --nodes 3         three combined broker+controller nodes per system, default.replication.factor=3 and
#                     min.insync.replicas=2 (acks=all waits for two replicas); CPU and RSS summed, GC
#                     maxed over the three brokers
#   --rounds R        run both matrices R times (default 1), alternating which broker goes first, each
#                     round on fresh brokers; every figure in the table is the median over the rounds
#   --no-warmup       skip the warm-up (by default each broker, once started, first takes 300,000 records on
#                     a 2-partition topic with acks=all and serves them to a consumer, then, outside --quick,
#                     300,000 at the maximum rate on 1 and on 8 partitions with acks=1 and 150,000 at 50,000/s on
#                     8 partitions, read back, and 250,000 at 50,000/s on 8 partitions with linger.ms=0 and
#                     acks=all (many small requests): all unmeasured, so that neither broker's JIT compiler is
#                     counted in the scenarios that follow)
#
# What it does, in order, everything on 127.0.0.1 and bounded in time:
#   1. Fetches Apache Kafka $KAFKA_VERSION (default 4.3.1: the broker, kafka_2.13, and its tools,
#      kafka-tools, with their runtime dependencies) from Maven Central into
#      ${OSPREY_BENCH_CACHE:-~/.cache/osprey-bench}/kafka-<version>/libs, once, with the Maven
#      that ./mvnw installs and a small generated pom (outside the repository).
#   2. Builds benchmarks/target/benchmarks.jar and the broker if they are older than the sources.
#   3. Formats and starts a KRaft Kafka (broker and controller in one process per node) on
#      ports $KAFKA_PORT/$KAFKA_CONTROLLER_PORT (node i: +2(i-1)) with its data under a temp dir,
#      runs the matrix, stops it by PID; then does the same with Osprey on $OSPREY_PORT (node i: +i-1).
#      Both brokers run with the same heap (1 GiB, $BROKER_HEAP), each with its own collector: Kafka's
#      start-script G1 settings, Osprey's default ZGC ($OSPREY_GC_OPTS replaces Osprey's collector flags, e.g.
#      with Kafka's: -XX:+UseG1GC -XX:MaxGCPauseMillis=20 ...), the same thread counts (3 network, 8 I/O), partitions, replication
#      factor (1, or 3 with --nodes 3), no fsync policy (both defaults: durability from the page cache), and
#      -Xlog:gc,gc+phases into the work directory (the phases carry ZGC's pause lines).
#   4. Prints one table: each figure for Kafka and for Osprey and the ratio Osprey/Kafka.
#
# Per scenario it also samples the brokers' CPU time (utime+stime from /proc/<pid>/stat, summed
# over the nodes) before and after, and reports it per record in microseconds. After each broker's matrix it reads its
# peak RSS (VmHWM) and its longest GC pause from the GC log. docs/performance.md explains every
# row. Only processes this script started are stopped, by PID (also on Ctrl-C or error): the
# broker under test and the load generator running at the time.
#
# Environment: KAFKA_VERSION, LOG4J_VERSION, OSPREY_BENCH_CACHE, KAFKA_PORT (19092),
# KAFKA_CONTROLLER_PORT (19093), OSPREY_PORT (29092), OSPREY_ADMIN_PORT (29080), BROKER_HEAP (1g),
# TOOL_HEAP (512m), STEP_TIMEOUT (seconds per tool run, default 240), MAX_MINUTES (whole run, 25).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

die() { echo "bench-vs-kafka.sh: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

quick=false
warmup=true
records=""
rate_seconds=""
out=""
keep=false
nodes=1
rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=true ;;
    --records) records="${2:?--records needs a number}"; shift ;;
    --rate-seconds) rate_seconds="${2:?--rate-seconds needs a number}"; shift ;;
    --out) out="${2:?--out needs a file}"; shift ;;
    --keep) keep=true ;;
    --nodes) nodes="${2:?--nodes needs 1 or 3}"; shift ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift ;;
    --no-warmup) warmup=false ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/!p}' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[ "$nodes" = 1 ] || [ "$nodes" = 3 ] || die "--nodes takes 1 or 3, got '$nodes'"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "--rounds takes a whole number from 1, got '$rounds'"
if [ "$nodes" = 3 ]; then replication=3; min_isr=2; else replication=1; min_isr=1; fi
[[ -z "$records" || "$records" =~ ^[0-9]+$ ]] || die "--records takes a whole number, got '$records'"
[[ -z "$rate_seconds" || "$rate_seconds" =~ ^[0-9]+$ ]] || die "--rate-seconds takes a whole number, got '$rate_seconds'"
if $quick; then
  records="${records:-200000}"; rate_seconds="${rate_seconds:-2}"
  e2e_records=2000; e2e_warmup=200; idle_ms=3000
else
  records="${records:-1000000}"; rate_seconds="${rate_seconds:-10}"
  e2e_records=15000; e2e_warmup=10000; idle_ms=5000
fi
fixed_rate=50000
fixed_records=$((fixed_rate * rate_seconds))
e2e_rate=1000

kafka_version="${KAFKA_VERSION:-4.3.1}"
log4j_version="${LOG4J_VERSION:-2.25.4}"
cache="${OSPREY_BENCH_CACHE:-$HOME/.cache/osprey-bench}/kafka-$kafka_version"
kafka_port="${KAFKA_PORT:-19092}"
kafka_controller_port="${KAFKA_CONTROLLER_PORT:-19093}"
osprey_port="${OSPREY_PORT:-29092}"
osprey_admin_port="${OSPREY_ADMIN_PORT:-29080}"
osprey_controller_port="${OSPREY_CONTROLLER_PORT:-29192}"
broker_heap="${BROKER_HEAP:-1g}"
tool_heap="${TOOL_HEAP:-512m}"
step_timeout="${STEP_TIMEOUT:-240}"
max_seconds=$(( ${MAX_MINUTES:-25} * 60 ))
# Kafka's kafka-server-start.sh / kafka-run-class.sh defaults.
broker_jvm_opts="-Xms$broker_heap -Xmx$broker_heap -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
-XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true"
# Osprey's nodes: the same heap with Osprey's default collector flags, as scripts/cluster.sh runs them (scripts/gc-opts.sh:
# ZGC with a soft heap maximum; docs/performance.md), unless OSPREY_GC_OPTS gives other collector flags.
osprey_jvm_opts="-Xms$broker_heap -Xmx$broker_heap ${OSPREY_GC_OPTS:-$("$root/scripts/gc-opts.sh" "$broker_heap")} -Djava.awt.headless=true"
clk_tck=$(getconf CLK_TCK)

case "$root" in "$cache"*) die "the cache directory must be outside the repository" ;; esac
work=$(mktemp -d "${TMPDIR:-/tmp}/osprey-bench-vs-kafka.XXXXXX")
results="$work/results.tsv"
: > "$results"
broker_pids=()
tool_pid=""

# ---- cleanup: only the brokers this script started, by PID ------------------------------------

stop_broker() {
  local pids=("${broker_pids[@]}")
  broker_pids=()
  local pid
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for pid in "${pids[@]}"; do
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "broker pid $pid did not stop within 30 s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
  done
}

cleanup() {
  local rc=$?
  if [ -n "$tool_pid" ] && kill -0 "$tool_pid" 2>/dev/null; then
    # timeout(1) forwards the TERM to the tool it runs, and kills it 10 s later if it lingers.
    kill -TERM "$tool_pid" 2>/dev/null || true
    wait "$tool_pid" 2>/dev/null || true
  fi
  stop_broker
  if $keep || [ $rc -ne 0 ]; then
    echo "work directory kept: $work" >&2
  else
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- fetching Kafka and building Osprey ------------------------------------------------------

maven_cmd() {
  # ./mvnw always runs the repository's pom, so run the Maven it installs directly on our pom.
  local url name
  url=$(sed -n 's/^distributionUrl=//p' "$root/.mvn/wrapper/maven-wrapper.properties" | tr -d '\r')
  name=$(basename "$url" -bin.zip)
  local mvn="${MAVEN_USER_HOME:-$HOME/.m2}/wrapper/dists/$name/bin/mvn"
  [ -x "$mvn" ] || "$root/mvnw" -B -q -v > /dev/null
  [ -x "$mvn" ] || die "Maven not found at $mvn after ./mvnw -v"
  echo "$mvn"
}

fetch_kafka() {
  if [ -f "$cache/libs/.complete" ]; then
    return
  fi
  log "fetching Apache Kafka $kafka_version from Maven Central into $cache"
  mkdir -p "$cache"
  cat > "$cache/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by osprey scripts/bench-vs-kafka.sh: resolves Apache Kafka's broker and tools with
     their runtime dependencies into libs/ (mvn dependency:copy-dependencies). Maven Central only. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>io.osprey.bench</groupId>
  <artifactId>kafka-$kafka_version-libs</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <repositories>
    <repository><id>central</id><url>https://repo.maven.apache.org/maven2</url></repository>
  </repositories>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$kafka_version</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$kafka_version</version></dependency>
    <!-- The SLF4J 1.x binding that Kafka's distribution ships, so the broker logs as it would. -->
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$log4j_version</version></dependency>
  </dependencies>
</project>
EOF
  rm -rf "$cache/libs"
  local mvn; mvn=$(maven_cmd)
  (cd "$cache" && "$mvn" -B -q -f "$cache/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DoutputDirectory="$cache/libs" -DincludeScope=runtime) || die "resolving Kafka $kafka_version failed"
  ls "$cache"/libs/kafka_2.13-*.jar "$cache"/libs/kafka-tools-*.jar > /dev/null || die "Kafka jars missing in $cache/libs"
  touch "$cache/libs/.complete"
}

bench_jar=benchmarks/target/benchmarks.jar
broker_jar() { ls broker/target/osprey-broker-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1 || true; }

build_osprey() {
  if [ ! -f "$bench_jar" ] || [ -z "$(broker_jar)" ] || [ -n "$(find pom.xml client replication broker benchmarks \
      -path '*/target' -prune -o -type f \( -name pom.xml -o -path '*/src/main/*' \) -newer "$bench_jar" -print 2>/dev/null | head -1)" ]; then
    log "building Osprey (./mvnw -B -q -pl benchmarks -am package -Dmaven.test.skip=true)"
    ./mvnw -B -q -pl benchmarks -am package -Dmaven.test.skip=true
  fi
}

# ---- broker processes ------------------------------------------------------------------------

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# CPU ticks of every broker process, summed.
cpu_ticks() {
  local pid t=0
  for pid in "${broker_pids[@]}"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
  echo "$t"
}
# proc_status_kib <field>: VmHWM (peak resident set), RssAnon (heap and other private memory), RssFile (mapped files),
# summed over the broker processes.
proc_status_kib() {
  local pid
  for pid in "${broker_pids[@]}"; do awk -v f="$1:" '$1 == f {print $2}' "/proc/$pid/status"; done | awk '{s += $1} END {print s}'
}

# wait_serving <name> <port> <log file> [brokers]: until the node answers Metadata (listing that many live brokers).
wait_serving() {
  local name=$1 port=$2 logfile=$3 brokers=${4:-0} deadline=$((SECONDS + 90))
  until java -Xmx64m -Dlogback.configurationFile="$root/conf/logback-cli.xml" -cp "$bench_jar" io.osprey.tools.Probe \
      "127.0.0.1:$port" --quiet --brokers "$brokers" > /dev/null 2>&1; do
    local pid
    for pid in "${broker_pids[@]}"; do
      if ! kill -0 "$pid" 2>/dev/null; then
        tail -n 40 "$logfile" >&2 || true
        die "$name exited during start-up (log: $logfile)"
      fi
    done
    [ $SECONDS -lt $deadline ] || die "$name did not serve on port $port within 90 s (log: $logfile)"
    sleep 0.5
  done
}

kafka_client_port() { echo $((kafka_port + 2 * ($1 - 1))); }
kafka_ctl_port() { echo $((kafka_controller_port + 2 * ($1 - 1))); }

start_kafka() {
  local i voters="" cid=""
  for i in $(seq 1 "$nodes"); do
    port_taken "$(kafka_client_port "$i")" && die "port $(kafka_client_port "$i") is in use; set KAFKA_PORT"
    port_taken "$(kafka_ctl_port "$i")" && die "port $(kafka_ctl_port "$i") is in use; set KAFKA_CONTROLLER_PORT"
    voters="${voters:+$voters,}$i@127.0.0.1:$(kafka_ctl_port "$i")"
  done
  local cp="$cache/libs/*"
  for i in $(seq 1 "$nodes"); do
    local dir="$work/kafka/node-$i"
    mkdir -p "$dir/data"
    cat > "$dir/server.properties" <<EOF
# Generated by scripts/bench-vs-kafka.sh: KRaft node $i of $nodes, settings matched to Osprey's conf/server.properties.
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(kafka_client_port "$i"),CONTROLLER://127.0.0.1:$(kafka_ctl_port "$i")
advertised.listeners=PLAINTEXT://127.0.0.1:$(kafka_client_port "$i")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600
num.partitions=1
default.replication.factor=$replication
min.insync.replicas=$min_isr
auto.create.topics.enable=true
offsets.topic.replication.factor=$replication
transaction.state.log.replication.factor=$replication
transaction.state.log.min.isr=$min_isr
share.coordinator.state.topic.replication.factor=$replication
share.coordinator.state.topic.min.isr=$min_isr
group.initial.rebalance.delay.ms=0
log.segment.bytes=1073741824
log.retention.hours=168
log.retention.check.interval.ms=300000
# No log.flush.* keys: Kafka's default, as Osprey's, never fsyncs on a schedule.
EOF
    cat > "$dir/log4j2.properties" <<EOF
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $dir/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
EOF
    [ -n "$cid" ] || cid=$(java -Xmx128m -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.properties" kafka.tools.StorageTool random-uuid)
    java -Xmx256m -cp "$cp" -Dlog4j2.configurationFile="$dir/log4j2.properties" kafka.tools.StorageTool format \
      -t "$cid" -c "$dir/server.properties" > "$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; die "formatting Kafka failed"; }
    # shellcheck disable=SC2086
    java $broker_jvm_opts -Xlog:gc,gc+phases:file="$dir/gc.log" -Dlog4j2.configurationFile="$dir/log4j2.properties" \
      -Dkafka.logs.dir="$dir" -cp "$cp" kafka.Kafka "$dir/server.properties" > "$dir/stdout.log" 2>&1 < /dev/null &
    broker_pids+=($!)
    log "Kafka $kafka_version node $i started, pid $!, port $(kafka_client_port "$i")"
  done
  for i in $(seq 1 "$nodes"); do
    wait_serving "Kafka node $i" "$(kafka_client_port "$i")" "$work/kafka/node-$i/server.log" "$nodes"
  done
}

start_osprey() {
  local i voters=""
  for i in $(seq 1 "$nodes"); do
    port_taken $((osprey_port + i - 1)) && die "port $((osprey_port + i - 1)) is in use; set OSPREY_PORT"
    port_taken $((osprey_admin_port + i - 1)) && die "port $((osprey_admin_port + i - 1)) is in use; set OSPREY_ADMIN_PORT"
    voters="${voters:+$voters,}$i@127.0.0.1:$((osprey_controller_port + 10 * (i - 1)))"
  done
  local cp; cp="$(broker_jar):$root/broker/target/lib/*"
  local flags=(--add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dlogback.configurationFile="$root/conf/logback.xml")
  local cid; cid=$(java -Xmx64m "${flags[@]}" -cp "$cp" io.osprey.tools.ClusterId)
  for i in $(seq 1 "$nodes"); do
    local dir="$work/osprey/node-$i"
    mkdir -p "$dir/data"
    {
      echo "# Generated by scripts/bench-vs-kafka.sh from conf/server.properties: node $i of $nodes."
      grep -v -E '^(node\.id|listeners|advertised\.listeners|log\.dirs?|osprey\.admin\.http\.listener|group\.initial\.rebalance\.delay\.ms|controller\.quorum\.voters|default\.replication\.factor|min\.insync\.replicas|offsets\.topic\.replication\.factor)=' \
        conf/server.properties
      echo "node.id=$i"
      echo "listeners=PLAINTEXT://127.0.0.1:$((osprey_port + i - 1))"
      echo "log.dirs=$dir/data"
      echo "osprey.admin.http.listener=127.0.0.1:$((osprey_admin_port + i - 1))"
      echo "group.initial.rebalance.delay.ms=0"
      echo "default.replication.factor=$replication"
      echo "min.insync.replicas=$min_isr"
      echo "offsets.topic.replication.factor=$replication"
      [ "$nodes" = 1 ] || echo "controller.quorum.voters=$voters"
    } > "$dir/server.properties"
    java -Xmx256m "${flags[@]}" -cp "$cp" io.osprey.Node format "$dir/server.properties" --cluster-id "$cid" > "$dir/format.log" 2>&1 \
      || { cat "$dir/format.log" >&2; die "formatting Osprey failed"; }
    # shellcheck disable=SC2086
    java $osprey_jvm_opts -Xlog:gc,gc+phases:file="$dir/gc.log" "${flags[@]}" -cp "$cp" io.osprey.Node "$dir/server.properties" \
      > "$dir/server.log" 2>&1 < /dev/null &
    broker_pids+=($!)
    log "Osprey node $i started, pid $!, port $((osprey_port + i - 1))"
  done
  for i in $(seq 1 "$nodes"); do
    wait_serving "Osprey node $i" $((osprey_port + i - 1)) "$work/osprey/node-$i/server.log" "$nodes"
  done
}

# ---- results ---------------------------------------------------------------------------------

# record <broker> <scenario> <metric> <better: higher|lower> <value>
record() {
  [ -n "$5" ] || return 0
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >> "$results"
}

# kv <file> <key>: the value of key=value on the tool's final "summary" line
kv() { grep '^summary ' "$1" | tail -1 | tr ' ' '\n' | sed -n "s/^$2=//p"; }

elapsed_ok() {
  if [ $SECONDS -ge $max_seconds ]; then
    log "MAX_MINUTES reached: skipping the rest of the matrix"
    return 1
  fi
}

# run_tool <outfile> <command...>: runs a load generator with a time bound, output to outfile.
# In the background and waited for, so that the trap can stop it by PID on Ctrl-C.
run_tool() {
  local outfile=$1; shift
  timeout -k 10 "$step_timeout" "$@" > "$outfile" 2>&1 < /dev/null &
  tool_pid=$!
  local rc=0
  wait "$tool_pid" || rc=$?
  tool_pid=""
  if [ $rc -ne 0 ]; then
    log "  failed (exit $rc$([ $rc -eq 124 ] && echo ': timed out')): $(tail -n 3 "$outfile" | tr '\n' ' ' | cut -c1-300)"
    return 1
  fi
}

# The load generators: Osprey's perf tools (either client) and Kafka's tools from the cache.
osprey_tool=()
kafka_tool=()
# The end-to-end tool: the same, compiled by C1 only. Its C2 compiles (several milliseconds each, still
# running 20 s into a run at 1,000 records/s) preempted the tool's own client threads, and the kernel left
# them queued behind the compile for up to a tick while the other core sat idle: a tail in the instrument,
# not in the broker (docs/performance.md, "The end-to-end tail").
e2e_tool=()

# scenario <broker> <id> <description> <kind> <command...>
#   kind: produce | produce-rate | consume | e2e | kafka-produce | kafka-consume
# Samples the broker's CPU around the command, then records the figures its output gives.
scenario() {
  local broker=$1 id=$2 desc=$3 kind=$4; shift 4
  elapsed_ok || return 0
  local outfile="$work/$broker-$id.out"
  log "$broker: $desc"
  local t0; t0=$(cpu_ticks)
  run_tool "$outfile" "$@" || return 0
  local t1; t1=$(cpu_ticks)
  local n="" s="$desc"
  case "$kind" in
    produce)
      n=$(kv "$outfile" records)
      record "$broker" "$s" "records/s" higher "$(kv "$outfile" records_per_sec)"
      record "$broker" "$s" "MB/s" higher "$(kv "$outfile" mb_per_sec)"
      record "$broker" "$s" "latency p99 (ms)" lower "$(awk -v v="$(kv "$outfile" p99_us)" 'BEGIN{printf "%.1f", v/1000}')"
      ;;
    produce-rate)
      n=$(kv "$outfile" records)
      record "$broker" "$s" "achieved records/s" higher "$(kv "$outfile" records_per_sec)"
      record "$broker" "$s" "latency p50 (ms)" lower "$(awk -v v="$(kv "$outfile" steady_p50_us)" 'BEGIN{printf "%.2f", v/1000}')"
      record "$broker" "$s" "latency p99 (ms)" lower "$(awk -v v="$(kv "$outfile" steady_p99_us)" 'BEGIN{printf "%.2f", v/1000}')"
      record "$broker" "$s" "latency p99.9 (ms)" lower "$(awk -v v="$(kv "$outfile" steady_p999_us)" 'BEGIN{printf "%.2f", v/1000}')"
      ;;
    consume)
      n=$(kv "$outfile" records)
      record "$broker" "$s" "records/s" higher "$(kv "$outfile" fetch_records_per_sec)"
      record "$broker" "$s" "MB/s" higher "$(kv "$outfile" fetch_mb_per_sec)"
      record "$broker" "$s" "time to first record (ms)" lower "$(kv "$outfile" time_to_first_record_ms)"
      ;;
    e2e)
      n=$(kv "$outfile" records)
      record "$broker" "$s" "latency p50 (us)" lower "$(kv "$outfile" p50_us)"
      record "$broker" "$s" "latency p99 (us)" lower "$(kv "$outfile" p99_us)"
      record "$broker" "$s" "latency p99.9 (us)" lower "$(kv "$outfile" p999_us)"
      record "$broker" "$s" "latency max (us)" lower "$(kv "$outfile" max_us)"
      ;;
    kafka-produce)
      # "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, p50 ms 50th, p95 ms 95th, p99 ms 99th, p999 ms 99.9th."
      local line; line=$(grep 'records sent,.*99.9th' "$outfile" | tail -1)
      n=$(echo "$line" | awk '{print $1}')
      record "$broker" "$s" "records/s" higher "$(echo "$line" | awk '{print $4}')"
      record "$broker" "$s" "MB/s" higher "$(echo "$line" | sed 's/.*(\([0-9.]*\) MB\/sec).*/\1/')"
      record "$broker" "$s" "latency p99 (ms)" lower "$(echo "$line" | sed 's/.* \([0-9]*\) ms 99th.*/\1/')"
      ;;
    kafka-consume)
      # start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
      # fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
      local line; line=$(grep -E '^[0-9]{4}-' "$outfile" | tail -1 | tr -d ' ')
      n=$(echo "$line" | cut -d, -f5)
      record "$broker" "$s" "records/s (fetch)" higher "$(echo "$line" | cut -d, -f10)"
      record "$broker" "$s" "MB/s (fetch)" higher "$(echo "$line" | cut -d, -f9 | awk '{printf "%.2f", $1}')"
      ;;
  esac
  if [ -n "$n" ] && [ "$n" -gt 0 ] 2>/dev/null; then
    record "$broker" "$s" "broker CPU per record (us)" lower \
      "$(awk -v d=$((t1 - t0)) -v hz="$clk_tck" -v n="$n" 'BEGIN{printf "%.3f", d / hz * 1e6 / n}')"
  fi
}

# ---- the matrix ------------------------------------------------------------------------------

# run_matrix <broker: kafka|osprey> <bootstrap>
run_matrix() {
  local b=$1 bs=$2 dir="$work/$1"
  local ours=("${osprey_tool[@]}" io.osprey.benchmarks.ProducerPerf --client kafka --bootstrap-server "$bs" --reporting-interval 0)
  local cons=("${osprey_tool[@]}" io.osprey.benchmarks.ConsumerPerf --client kafka --bootstrap-server "$bs" --timeout "$idle_ms")
  local e2e=("${e2e_tool[@]}" io.osprey.benchmarks.EndToEndLatency --client kafka --bootstrap-server "$bs" --throughput "$e2e_rate"
    --num-records "$((e2e_records + e2e_warmup))" --warmup-records "$e2e_warmup")

  # Each JVM's age now, the uptime its GC log counts in: pauses after it happened during the scenarios, not start-up.
  local i=1 pid
  for pid in "${broker_pids[@]}"; do
    awk -v st="$(awk '{print $22}' "/proc/$pid/stat")" -v tck="$clk_tck" '{printf "%.3f\n", $1 - st / tck}' /proc/uptime \
      > "$dir/node-$i/gc.from"
    i=$((i + 1))
  done

  # Warm-up, the same for both brokers and not measured (its GC pauses count as during the scenarios):
  # the produce (acks=1 and acks=all paths) and fetch code gets compiled here instead of inside the
  # first scenarios' CPU figures. Without it the JIT compiler was about 40% of Osprey's CPU in the
  # first consume scenario.
  if $warmup; then
    log "$b: warm-up (not measured): 300,000 records, 2 partitions, acks=all, then read back"
    run_tool "$work/$b-warmup-produce.out" "${ours[@]}" --topic warmup --partitions 2 --acks all \
      --num-records 300000 --record-size 100 --throughput -1 || true
    run_tool "$work/$b-warmup-consume.out" "${cons[@]}" --topic warmup --messages 300000 || true
    if ! $quick; then
      # The paths of the matrix's other shapes too: one partition per request, eight per request, and the small
      # requests of a fixed rate. Without these, the compiler threads were 30-50% of Osprey's CPU in the first
      # maximum-rate scenarios and 100-250 ms of each 10 s fixed-rate one (per-thread schedstat), noise larger
      # than the differences the table is read for.
      log "$b: warm-up (not measured): 250,000 at 50,000/s on 8 partitions with linger.ms=0 and acks=all (small requests)"
      log "$b: warm-up (not measured): 300,000 records on 1 and on 8 partitions, 150,000 at 50,000/s on 8, read back"
      # Many small requests: a request-path method runs once per request, and a maximum-rate run of 1,000,000
      # records is only a few thousand requests, so without this step the request paths were still being
      # compiled by C2 in the first scenarios (200-500 ms of C2 per 1,000,000-record 8-partition run, against
      # about 60 ms after this step; per-thread schedstat and -XX:+PrintCompilation). First of these steps, so that
      # the compiles it queues are done during the ones after it, not in the first scenario.
      run_tool "$work/$b-warmup-small.out" "${ours[@]}" --topic warmup-small --partitions 8 --acks all \
        --num-records 250000 --record-size 100 --throughput 50000 --linger-ms 0 || true
      run_tool "$work/$b-warmup-p1.out" "${ours[@]}" --topic warmup-p1 --partitions 1 --acks 1 \
        --num-records 300000 --record-size 100 --throughput -1 || true
      run_tool "$work/$b-warmup-p8.out" "${ours[@]}" --topic warmup-p8 --partitions 8 --acks 1 \
        --num-records 300000 --record-size 100 --throughput -1 || true
      run_tool "$work/$b-warmup-rate.out" "${ours[@]}" --topic warmup-p8 --partitions 8 --acks 1 \
        --num-records 150000 --record-size 100 --throughput 50000 || true
      run_tool "$work/$b-warmup-consume-p8.out" "${cons[@]}" --topic warmup-p8 --messages 450000 || true
    fi
  fi

  local parts acks
  local max_cases fixed_cases
  if $quick; then
    max_cases=("1 1" "8 all"); fixed_cases=("1 1")
  else
    max_cases=("1 1" "1 all" "8 1" "8 all"); fixed_cases=("1 1" "1 all" "8 1" "8 all")
  fi

  # Same client (Kafka's KafkaProducer / KafkaConsumer, through Osprey's perf tools) against both brokers.
  for c in "${max_cases[@]}"; do
    read -r parts acks <<< "$c"
    scenario "$b" "max-p$parts-acks$acks" "produce max rate, $parts partition(s), acks=$acks [kafka client]" produce \
      "${ours[@]}" --topic "max-p$parts-acks$acks" --partitions "$parts" --acks "$acks" --num-records "$records" --record-size 100 --throughput -1
  done
  for c in "${fixed_cases[@]}"; do
    read -r parts acks <<< "$c"
    scenario "$b" "rate-p$parts-acks$acks" "produce $fixed_rate/s, $parts partition(s), acks=$acks [kafka client]" produce-rate \
      "${ours[@]}" --topic "rate-p$parts-acks$acks" --partitions "$parts" --acks "$acks" --num-records "$fixed_records" --record-size 100 --throughput "$fixed_rate"
  done
  # The same fixed rate with linger.ms=0: each batch leaves as soon as the sender thread can send it. With the
  # client's default (linger.ms 5, batch.size 16 KiB) a batch fills in about 3 ms at 50,000 records/s, so its first
  # record waits that long on the client whatever the broker does; these rows show the brokers' own latency.
  if ! $quick; then
    for c in "1 1" "8 all"; do
      read -r parts acks <<< "$c"
      scenario "$b" "rate0-p$parts-acks$acks" "produce $fixed_rate/s, $parts partition(s), acks=$acks, linger.ms=0 [kafka client]" produce-rate \
        "${ours[@]}" --topic "rate0-p$parts-acks$acks" --partitions "$parts" --acks "$acks" --linger-ms 0 --num-records "$fixed_records" \
        --record-size 100 --throughput "$fixed_rate"
    done
  fi
  local consumed=" "
  for c in "${max_cases[@]}"; do
    read -r parts acks <<< "$c"
    case "$consumed" in *" $parts "*) continue ;; esac
    consumed="$consumed$parts "
    scenario "$b" "consume-p$parts" "consume catch-up, $parts partition(s) [kafka client]" consume \
      "${cons[@]}" --topic "max-p$parts-acks$acks" --messages "$records"
  done
  scenario "$b" "e2e" "end-to-end latency at $e2e_rate/s, 1 partition, acks=1 [kafka client]" e2e \
    "${e2e[@]}" --topic e2e --partitions 1

  # Kafka's own load generators from kafka-tools, against both brokers. --messages and --producer-props
  # are deprecated in 4.3 (a warning) but understood by every 4.x, so KAFKA_VERSION may be any of them.
  scenario "$b" "pp" "Kafka ProducerPerformance, max rate, 1 partition, acks=1" kafka-produce \
    "${kafka_tool[@]}" org.apache.kafka.tools.ProducerPerformance --bootstrap-server "$bs" --topic max-p1-acks1 \
      --num-records "$records" --record-size 100 --throughput -1 --producer-props acks=1
  scenario "$b" "cp" "Kafka ConsumerPerformance, 1 partition (group, subscribe)" kafka-consume \
    "${kafka_tool[@]}" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$bs" --topic max-p1-acks1 \
      --messages "$records" --timeout $((idle_ms * 2))

  # Each broker with its own client: Kafka's client results above stand for Kafka; Osprey's client runs here.
  if [ "$b" = osprey ]; then
    local own=("${osprey_tool[@]}" io.osprey.benchmarks.ProducerPerf --client osprey --bootstrap-server "$bs" --reporting-interval 0)
    scenario "$b" "own-max-p1" "own client vs own broker: produce max rate, 1 partition, acks=1" produce \
      "${own[@]}" --topic own-max-p1 --partitions 1 --acks 1 --num-records "$records" --record-size 100 --throughput -1
    if ! $quick; then
      scenario "$b" "own-max-p8" "own client vs own broker: produce max rate, 8 partition(s), acks=1" produce \
        "${own[@]}" --topic own-max-p8 --partitions 8 --acks 1 --num-records "$records" --record-size 100 --throughput -1
    fi
    scenario "$b" "own-consume-p1" "own client vs own broker: consume catch-up, 1 partition" consume \
      "${osprey_tool[@]}" io.osprey.benchmarks.ConsumerPerf --client osprey --bootstrap-server "$bs" --timeout "$idle_ms" \
        --topic own-max-p1 --messages "$records"
    scenario "$b" "own-e2e" "own client vs own broker: end-to-end latency at $e2e_rate/s" e2e \
      "${e2e_tool[@]}" io.osprey.benchmarks.EndToEndLatency --client osprey --bootstrap-server "$bs" --throughput "$e2e_rate" \
        --num-records "$((e2e_records + e2e_warmup))" --warmup-records "$e2e_warmup" --topic own-e2e --partitions 1
  else
    copy_rows "$b" "produce max rate, 1 partition(s), acks=1 [kafka client]" "own client vs own broker: produce max rate, 1 partition, acks=1"
    $quick || copy_rows "$b" "produce max rate, 8 partition(s), acks=1 [kafka client]" "own client vs own broker: produce max rate, 8 partition(s), acks=1"
    copy_rows "$b" "consume catch-up, 1 partition(s) [kafka client]" "own client vs own broker: consume catch-up, 1 partition"
    copy_rows "$b" "end-to-end latency at $e2e_rate/s, 1 partition, acks=1 [kafka client]" "own client vs own broker: end-to-end latency at $e2e_rate/s"
  fi

  # Idle: the broker CPU over a quiet window with no client connected, after the matrix (the JIT compiler and the
  # warm-up's background work are done by then: right after the warm-up Kafka's three nodes took 204 ms a second).
  # Every scenario's CPU per record includes the broker's idle cost over its tool's run, start-up too: about 1 s of a
  # 2 s consume run.
  local idle_s=$((idle_ms * 2 / 1000))
  log "$b: idle for $idle_s s (broker CPU while nothing runs)"
  local i0; i0=$(cpu_ticks)
  sleep "$idle_s"
  local i1; i1=$(cpu_ticks)
  record "$b" "broker process (whole run)" "CPU while idle, after the matrix (ms per second)" lower \
    "$(awk -v d=$((i1 - i0)) -v hz="$clk_tck" -v s="$idle_s" 'BEGIN{printf "%.1f", d / hz * 1000 / s}')"

  # Whole-run figures of the broker process.
  record "$b" "broker process (whole run)" "peak RSS (MiB)" lower "$(awk -v k="$(proc_status_kib VmHWM)" 'BEGIN{printf "%.0f", k/1024}')"
  record "$b" "broker process (whole run)" "RSS at end: anonymous (MiB)" lower "$(awk -v k="$(proc_status_kib RssAnon)" 'BEGIN{printf "%.0f", k/1024}')"
  record "$b" "broker process (whole run)" "RSS at end: file mappings (MiB)" lower "$(awk -v k="$(proc_status_kib RssFile)" 'BEGIN{printf "%.0f", k/1024}')"
  stop_broker
  # Pauses: G1's "Pause Young/Remark/Cleanup/Full" lines ([gc]), ZGC's and Shenandoah's "Pause Mark Start" etc.
  # ([gc,phases] with ZGC), and ZGC's "Allocation Stall" (a thread waiting for the collector is paused too); only lines
  # ending in a duration count (ZGC's "Garbage Collection (Allocation Stall) 256M->92M" names a cause, not a pause).
  local gc=("$dir"/node-*/gc.log) pauses='Pause|Allocation Stall'
  record "$b" "broker process (whole run)" "longest GC pause (ms)" lower \
    "$(grep -hE "$pauses" "${gc[@]}" 2>/dev/null | sed -n 's/.* \([0-9.]*\)ms$/\1/p' | sort -g | tail -1)"
  record "$b" "broker process (whole run)" "longest GC pause during the scenarios (ms)" lower "$(for f in "${gc[@]}"; do
      awk -v from="$(cat "${f%gc.log}gc.from" 2>/dev/null || echo 0)" -v pauses="$pauses" \
        '$0 ~ pauses && $NF ~ /^[0-9.]+ms$/ { t = substr($1, 2); sub(/s\].*/, "", t); if (t + 0 >= from + 0) { v = $NF; sub(/ms$/, "", v); print v } }' "$f"
    done | sort -g | tail -1)"
  record "$b" "broker process (whole run)" "GC pauses, total (ms)" lower \
    "$(grep -hE "$pauses" "${gc[@]}" 2>/dev/null | sed -n 's/.* \([0-9.]*\)ms$/\1/p' | awk '{s+=$1} END{printf "%.1f", s}')"
}

# copy_rows <broker> <from scenario> <to scenario>: the Kafka client on Kafka is both "same client" and "own client".
copy_rows() {
  # The last row of each figure: this round's (earlier rounds' rows come first in the file).
  awk -F'\t' -v b="$1" -v from="$2" -v to="$3" 'BEGIN{OFS="\t"}
    $1==b && $2==from { if (!($3 in last)) order[++n] = $3; last[$3] = $1 OFS to OFS $3 OFS $4 OFS $5 }
    END { for (i = 1; i <= n; i++) print last[order[i]] }' "$results" > "$work/copy.tmp"
  cat "$work/copy.tmp" >> "$results"
}

# ---- the table ------------------------------------------------------------------------------

print_table() {
  awk -F'\t' -v md="${1:-}" '
    {
      key = $2 SUBSEP $3
      if (!(key in seen)) { seen[key] = 1; order[++n] = key; scen[key] = $2; metric[key] = $3; better[key] = $4 }
      cnt[$1, key]++; all[$1, key, cnt[$1, key]] = $5
    }
    # The median of one broker'"'"'s values for a figure over the rounds (the value itself with one round).
    function median(b, k,    c, i, j, t, v) {
      c = cnt[b, k]
      if (c == 0) return ""
      for (i = 1; i <= c; i++) v[i] = all[b, k, i] + 0
      for (i = 2; i <= c; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      if (c == 1) return all[b, k, 1]
      return (c % 2) ? v[(c + 1) / 2] : sprintf("%.3f", (v[c / 2] + v[c / 2 + 1]) / 2)
    }
    function fmt(v) {
      if (v == "") return "-"
      if (v + 0 >= 1000) { s = sprintf("%.0f", v); out = ""; while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }; return s out }
      return v
    }
    END {
      if (md) {
        print "| scenario | figure | better | Kafka | Osprey | Osprey/Kafka |"
        print "|---|---|---|---:|---:|---:|"
      } else {
        printf "%-72s %-32s %-7s %12s %12s %12s\n", "scenario", "figure", "better", "Kafka", "Osprey", "Osprey/Kafka"
      }
      last = ""
      for (i = 1; i <= n; i++) {
        k = order[i]; kv = median("kafka", k); ov = median("osprey", k)
        ratio = (kv != "" && ov != "" && kv + 0 != 0) ? sprintf("%.2f", ov / kv) : "-"
        label = (scen[k] == last) ? "" : scen[k]; last = scen[k]
        if (md) printf "| %s | %s | %s | %s | %s | %s |\n", label, metric[k], better[k], fmt(kv), fmt(ov), ratio
        else printf "%-72s %-32s %-7s %12s %12s %12s\n", label, metric[k], better[k], fmt(kv), fmt(ov), ratio
      }
    }' "$results"
}

# ---- main -----------------------------------------------------------------------------------

fetch_kafka
build_osprey
cat > "$work/tools-log4j2.properties" <<EOF
status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %p %c - %m%n
rootLogger.level = WARN
rootLogger.appenderRef.err.ref = STDERR
EOF

osprey_tool=(java "-Xmx$tool_heap" -Dlogback.configurationFile="$root/conf/logback-cli.xml" -cp "$bench_jar")
e2e_tool=(java "-Xmx$tool_heap" -XX:TieredStopAtLevel=1 -Dlogback.configurationFile="$root/conf/logback-cli.xml" -cp "$bench_jar")
kafka_tool=(java "-Xmx$tool_heap" -Dlog4j2.configurationFile="$work/tools-log4j2.properties" -cp "$cache/libs/*")

log "matrix: $records records per max-rate run, $fixed_rate records/s for ${rate_seconds} s per fixed-rate run," \
  "$e2e_records end-to-end records at $e2e_rate/s after $e2e_warmup unmeasured$($quick && echo ' (quick)'); work dir $work"
kafka_bootstrap=""; osprey_bootstrap=""
for i in $(seq 1 "$nodes"); do
  kafka_bootstrap="${kafka_bootstrap:+$kafka_bootstrap,}127.0.0.1:$(kafka_client_port "$i")"
  osprey_bootstrap="${osprey_bootstrap:+$osprey_bootstrap,}127.0.0.1:$((osprey_port + i - 1))"
done
if [ "$nodes" = 1 ]; then
  layout="single node each"
else
  layout="$nodes nodes each, replication factor $replication, min.insync.replicas $min_isr (broker CPU and RSS summed over the $nodes brokers)"
fi
run_kafka() { start_kafka; run_matrix kafka "$kafka_bootstrap"; }
run_osprey() { start_osprey; run_matrix osprey "$osprey_bootstrap"; }
for round in $(seq 1 "$rounds"); do
  if [ "$round" -gt 1 ]; then
    # Fresh brokers each round; the last round's directories keep their plain names.
    mv "$work/kafka" "$work/kafka-round$((round - 1))"
    mv "$work/osprey" "$work/osprey-round$((round - 1))"
    log "round $round of $rounds"
  fi
  if [ $((round % 2)) = 1 ]; then run_kafka; run_osprey; else run_osprey; run_kafka; fi
done
[ "$rounds" = 1 ] || layout="$layout; the median of $rounds rounds, alternating which broker goes first"

echo
echo "Apache Kafka $kafka_version vs Osprey, $layout, $(nproc) CPUs, 100-byte records$($quick && echo ', quick matrix')"
echo "Broker JVMs: Kafka $broker_jvm_opts; Osprey $osprey_jvm_opts"
print_table
if [ -n "$out" ]; then
  {
    echo "Apache Kafka $kafka_version vs Osprey, $layout, $(nproc) CPUs, 100-byte records$($quick && echo ', quick matrix'), $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "Broker JVMs: Kafka \`$broker_jvm_opts\`; Osprey \`$osprey_jvm_opts\`."
    echo
    print_table md
  } > "$out"
  log "table written to $out"
fi
