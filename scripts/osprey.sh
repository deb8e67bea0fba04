#!/usr/bin/env bash
# The Osprey command-line tool: scripts/osprey.sh --help
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar=$(ls "$root"/broker/target/osprey-broker-*.jar 2>/dev/null | head -1 || true)
if [ -z "$jar" ] || [ -n "$(find "$root/client/src/main" "$root/replication/src/main" "$root/broker/src/main" -newer "$jar" -type f 2>/dev/null | head -1)" ]; then
  (cd "$root" && ./mvnw -B -q -DskipTests -pl broker -am package) >&2
  jar=$(ls "$root"/broker/target/osprey-broker-*.jar | head -1)
fi
exec java -Xmx256m --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -Dlogback.configurationFile="$root/conf/logback-cli.xml" \
  -cp "$jar:$root/broker/target/lib/*" io.osprey.cli.OspreyCli "$@"
