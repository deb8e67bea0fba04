#!/usr/bin/env bash
# Runs Kafka's own load generator, org.apache.kafka.tools.ProducerPerformance (kafka-tools, the
# class behind kafka-producer-perf-test.sh), against a running broker.
#
#   scripts/kafka-producer-perf.sh [ProducerPerformance arguments...]
#
# Without arguments: 1,000,000 records of 100 bytes to topic "perf", unthrottled, acks=1.
# Unless the arguments name a bootstrap server (--bootstrap-server or bootstrap.servers=), the
# tool is pointed at $BOOTSTRAP (default 127.0.0.1:9092). Examples:
#   scripts/kafka-producer-perf.sh --topic perf --num-records 1000000 --record-size 100 \
#       --throughput -1 --producer-props bootstrap.servers=127.0.0.1:9092 acks=all
#   BOOTSTRAP=127.0.0.1:19092 scripts/kafka-producer-perf.sh --topic t --num-records 10000 \
#       --record-size 1000 --throughput 5000 --command-property acks=1
#
# The classpath (the broker module's test dependencies: kafka-clients and kafka-tools at the
# versions in pom.xml) is resolved once with Maven into broker/target/kafka-perf.classpath and
# reused until a pom.xml changes. Logging follows conf/logback.xml (warnings only).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

cp_file=broker/target/kafka-perf.classpath
stale=false
if [ ! -s "$cp_file" ] || [ pom.xml -nt "$cp_file" ] || [ broker/pom.xml -nt "$cp_file" ]; then
  stale=true
else
  first=$(cut -d: -f1 "$cp_file")
  [ -f "$first" ] || stale=true
fi
if $stale; then
  # compile first so the reactor resolves the Osprey modules without installing them; they are
  # then left out (the tool needs only Kafka's jars and a logging backend).
  ./mvnw -B -q -pl broker -am compile dependency:build-classpath \
    -DincludeScope=test -DexcludeGroupIds=io.osprey -Dmdep.outputFile=target/kafka-perf.classpath
fi

args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--topic perf --num-records 1000000 --record-size 100 --throughput -1 --producer-props acks=1)
fi
has_bootstrap=false
for a in "${args[@]}"; do
  case "$a" in
    --bootstrap-server|--bootstrap-server=*|bootstrap.servers=*) has_bootstrap=true ;;
  esac
done
if ! $has_bootstrap; then
  args=(--bootstrap-server "${BOOTSTRAP:-127.0.0.1:9092}" "${args[@]}")
fi

exec java -Xmx1g -Dlogback.configurationFile="$root/conf/logback.xml" \
  -cp "$(cat "$cp_file")" org.apache.kafka.tools.ProducerPerformance "${args[@]}"
