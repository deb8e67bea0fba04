#!/usr/bin/env bash
# Consumer throughput (io.osprey.benchmarks.ConsumerPerf): reads every partition of a topic from its
# beginning in assign mode (no group) until N records or until idle, with Osprey's consumer or
# Kafka's; prints records/s, MB/s, time to first record and a final "summary key=value ..." line:
#   scripts/consumer-perf.sh --client osprey|kafka --bootstrap-server 127.0.0.1:9092 --topic perf \
#     [--messages 1000000] [--timeout 5000] [--fetch-max-bytes B] [--consumer-props k=v ...] [--json]
# --help lists every option. Builds benchmarks/target/benchmarks.jar when it is older than the sources.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root"/{client,replication,broker,benchmarks}/src/main "$root"/pom.xml "$root"/*/pom.xml \
    -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  (cd "$root" && ./mvnw -B -q -pl benchmarks -am package -Dmaven.test.skip=true) >&2
fi
exec java -Xmx512m -Dlogback.configurationFile="$root/conf/logback-cli.xml" -cp "$jar" io.osprey.benchmarks.ConsumerPerf "$@"
