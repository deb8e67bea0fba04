#!/usr/bin/env bash
# Storage benchmarks: log append against a plain mmap copy and Chronicle Queue, plus log reads.
# Builds benchmarks/target/benchmarks.jar if it is missing or older than the sources, runs both
# JMH suites (about 1.5 minutes on a 2-core machine), writes target/jmh-storage.json and prints the
# comparison table with the two ratios and their targets.
#
#   scripts/bench-storage.sh                 # everything
#   scripts/bench-storage.sh -f 3 -i 5       # extra JMH options go to the JMH runner
#   MVN=mvn scripts/bench-storage.sh         # build with an installed Maven instead of ./mvnw
#
# Files go to java.io.tmpdir (override: JAVA_TOOL_OPTIONS=-Djava.io.tmpdir=/some/dir); peak use is
# about 2 GiB, removed at the end of each benchmark.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar=benchmarks/target/benchmarks.jar
result=target/jmh-storage.json
# Stale when a pom or anything under a module's src/main changed after the jar was built.
if [ ! -f "$jar" ] || [ -n "$(find pom.xml client replication broker benchmarks -path '*/target' -prune -o \
    -type f \( -name pom.xml -o -path '*/src/main/*' \) -newer "$jar" -print 2>/dev/null | head -1)" ]; then
  "${MVN:-./mvnw}" -B -q -pl benchmarks -am package -DskipTests
fi
mkdir -p target
java -jar "$jar" 'io\.osprey\.benchmarks\.(LogAppendBenchmark|LogReadBenchmark)\.' -rf json -rff "$result" "$@"
java -cp "$jar" io.osprey.benchmarks.StorageReport "$result"
