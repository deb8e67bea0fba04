#!/usr/bin/env bash
# End-to-end latency (io.osprey.benchmarks.EndToEndLatency): a producer sends at a low fixed rate with
# its send time in each value, a consumer in the same JVM reads them back; prints microsecond
# percentiles from an HdrHistogram and a final "summary key=value ..." line:
#   scripts/e2e-latency.sh --client osprey|kafka --bootstrap-server 127.0.0.1:9092 --topic e2e \
#     [--num-records 10000] [--throughput 1000] [--record-size 100] [--warmup-records 1000] [--acks 1] \
#     [--linger-ms 0] [--partitions 1] [--producer-props k=v ...] [--consumer-props k=v ...] [--json]
# --help lists every option. Builds benchmarks/target/benchmarks.jar when it is older than the sources.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root"/{client,replication,broker,benchmarks}/src/main "$root"/pom.xml "$root"/*/pom.xml \
    -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  (cd "$root" && ./mvnw -B -q -pl benchmarks -am package -Dmaven.test.skip=true) >&2
fi
exec java -Xmx512m -Dlogback.configurationFile="$root/conf/logback-cli.xml" -cp "$jar" io.osprey.benchmarks.EndToEndLatency "$@"
