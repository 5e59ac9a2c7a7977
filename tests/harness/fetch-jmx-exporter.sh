#!/usr/bin/env bash
# Fetch the Prometheus JMX exporter's Java agent from Maven Central (cached), for the test
# inventories' kafka_jmx_exporter_local_jar: the roles' default downloads the same file from
# Maven Central on each node, which the test containers need not reach.
# Output: .cache/jmx/jmx_prometheus_javaagent-<version>.jar
set -euo pipefail

version=${JMX_EXPORTER_VERSION:-1.0.1}
here=$(cd "$(dirname "$0")" && pwd)
out_dir=${JMX_EXPORTER_DIR:-$here/../../.cache/jmx}
jar=$out_dir/jmx_prometheus_javaagent-$version.jar

if [ -s "$jar" ]; then
  echo "exporter $jar already fetched"
  exit 0
fi
mkdir -p "$out_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mvn -q -B dependency:copy -Dartifact="io.prometheus.jmx:jmx_prometheus_javaagent:$version" \
  -DoutputDirectory="$work" >"$work/mvn.log" 2>&1 || { tail -40 "$work/mvn.log"; exit 1; }
mv "$work/jmx_prometheus_javaagent-$version.jar" "$jar"
sha256sum "$jar"
