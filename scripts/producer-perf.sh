#!/usr/bin/env bash
# Producer throughput and latency (io.osprey.benchmarks.ProducerPerf), output shaped like Kafka's
# ProducerPerformance plus steady-state figures and a final "summary key=value ..." line:
#   scripts/producer-perf.sh --client osprey|kafka --bootstrap-server 127.0.0.1:9092 --topic perf \
#     --num-records 1000000 --record-size 100 --throughput -1 --acks 1 [--partitions 8] [--linger-ms 5] \
#     [--batch-size 16384] [--compression lz4] [--warmup-fraction 0.2] [--producer-props k=v ...] [--json]
# --help lists every option. Builds benchmarks/target/benchmarks.jar when it is older than the sources.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root"/{client,replication,broker,benchmarks}/src/main "$root"/pom.xml "$root"/*/pom.xml \
    -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  (cd "$root" && ./mvnw -B -q -pl benchmarks -am package -Dmaven.test.skip=true) >&2
fi
exec java -Xmx512m -Dlogback.configurationFile="$root/conf/logback-cli.xml" -cp "$jar" io.osprey.benchmarks.ProducerPerf "$@"
