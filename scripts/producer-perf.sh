#!/usr/bin/env bash
# Osprey's producer perf tool, output shaped like Kafka's ProducerPerformance:
#   scripts/producer-perf.sh --topic perf --num-records 1000000 --record-size 100 --throughput -1 \
#     --bootstrap-server 127.0.0.1:9092 --producer-props acks=1
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/client/src/main" "$root/broker/src/main" "$root/benchmarks/src/main" -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  (cd "$root" && ./mvnw -B -q -pl benchmarks -am package -DskipTests) >&2
fi
exec java -Xmx512m -Dlogback.configurationFile="$root/conf/logback-cli.xml" -cp "$jar" io.osprey.benchmarks.ProducerPerf "$@"
