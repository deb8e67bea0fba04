#!/usr/bin/env bash
# Builds the broker if needed and runs the storage demo: append, roll, read back, tear the tail, recover.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
jar=$(ls broker/target/osprey-broker-*.jar 2>/dev/null | head -1 || true)
if [ -z "$jar" ] || [ -n "$(find client/src replication/src broker/src -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  ./mvnw -B -q -DskipTests -pl broker -am package
  jar=$(ls broker/target/osprey-broker-*.jar | head -1)
fi
exec java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Xmx256m \
  -cp "$jar:broker/target/lib/*" io.osprey.log.StorageDemo "${1:-target/storage-demo}"
