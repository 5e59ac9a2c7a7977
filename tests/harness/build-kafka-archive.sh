#!/usr/bin/env bash
# Assemble a Kafka archive with the official distribution's layout from Maven Central, because
# the Apache download site cannot be reached from the test machines:
#   kafka_<scala>-<version>/{bin,libs,config,licenses}
# libs/ holds the same artifacts the official tarball ships (core, tools, their runtime
# dependencies, the log4j2 binding); bin/ holds thin launchers with the official names and the
# environment contract the roles rely on (KAFKA_HEAP_OPTS, KAFKA_OPTS, LOG_DIR, KAFKA_LOG4J_OPTS).
# Output: .cache/kafka/kafka_<scala>-<version>.tgz (+ .sha512 in the `sha512sum` format).
set -euo pipefail

version=${KAFKA_VERSION:-4.4.0}
scala=${KAFKA_SCALA_VERSION:-2.13}
log4j=${LOG4J_VERSION:-2.24.3}
here=$(cd "$(dirname "$0")" && pwd)
out_dir=${KAFKA_ARCHIVE_DIR:-$here/../../.cache/kafka}
name=kafka_${scala}-${version}
archive=$out_dir/$name.tgz

if [ -s "$archive" ] && [ -s "$archive.sha512" ]; then
  echo "archive $archive already built"
  exit 0
fi

start=$(date +%s)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out_dir" "$work/$name"/{bin,libs,config,licenses}

cat >"$work/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.harness</groupId>
  <artifactId>kafka-dist</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_${scala}</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-storage</artifactId><version>${version}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${log4j}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${log4j}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-1.2-api</artifactId><version>${log4j}</version></dependency>
  </dependencies>
</project>
EOF

echo "resolving Kafka ${version} (scala ${scala}) from Maven Central"
mvn -q -B -f "$work/pom.xml" dependency:copy-dependencies \
  -DincludeScope=runtime -DoutputDirectory="$work/$name/libs" >"$work/mvn.log" 2>&1 || {
  tail -40 "$work/mvn.log"; exit 1; }
ls "$work/$name/libs/kafka_${scala}-${version}.jar" >/dev/null

bin=$work/$name/bin
cat >"$bin/kafka-run-class.sh" <<'EOF'
#!/usr/bin/env bash
# Launcher with the contract of the official kafka-run-class.sh (harness build).
base_dir=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "USAGE: $0 [-daemon] [-name servicename] [-loggc] classname [opts]"; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    -name) shift 2 ;;
    -loggc|-daemon) shift ;;
    *) break ;;
  esac
done
LOG_DIR=${LOG_DIR:-$base_dir/logs}
mkdir -p "$LOG_DIR" 2>/dev/null || true
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx256M}
KAFKA_JVM_PERFORMANCE_OPTS=${KAFKA_JVM_PERFORMANCE_OPTS:--server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}
KAFKA_LOG4J_OPTS=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/tools-log4j2.yaml}
# shellcheck disable=SC2086
exec "$JAVA" $KAFKA_HEAP_OPTS $KAFKA_JVM_PERFORMANCE_OPTS $KAFKA_JMX_OPTS \
  "-Dkafka.logs.dir=$LOG_DIR" $KAFKA_LOG4J_OPTS $KAFKA_OPTS -cp "$base_dir/libs/*" "$@"
EOF

cat >"$bin/kafka-server-start.sh" <<'EOF'
#!/usr/bin/env bash
base_dir=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "USAGE: $0 [-daemon] server.properties [--override property=value]*"; exit 1; }
export KAFKA_LOG4J_OPTS=${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/log4j2.yaml}
export KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}
exec "$base_dir/bin/kafka-run-class.sh" -name kafkaServer -loggc kafka.Kafka "$@"
EOF

cat >"$bin/kafka-server-stop.sh" <<'EOF'
#!/usr/bin/env bash
pids=$(pgrep -f 'java.*kafka\.Kafka ' || true)
[ -n "$pids" ] || { echo "No kafka server to stop"; exit 1; }
kill -s TERM $pids
EOF

tool() { # name main-class
  # shellcheck disable=SC2016  # $0 and $@ belong to the launcher written here, not to this script
  printf '#!/usr/bin/env bash\nexec "$(dirname "$0")/kafka-run-class.sh" %s "$@"\n' "$2" >"$bin/$1"
}
tool kafka-storage.sh kafka.tools.StorageTool
tool kafka-metadata-quorum.sh org.apache.kafka.tools.MetadataQuorumCommand
tool kafka-topics.sh org.apache.kafka.tools.TopicCommand
tool kafka-configs.sh org.apache.kafka.tools.ConfigCommand
tool kafka-acls.sh org.apache.kafka.tools.AclCommand
tool kafka-features.sh org.apache.kafka.tools.FeatureCommand
tool kafka-broker-api-versions.sh org.apache.kafka.tools.BrokerApiVersionsCommand
tool kafka-cluster.sh org.apache.kafka.tools.ClusterTool
tool kafka-console-producer.sh org.apache.kafka.tools.ConsoleProducer
tool kafka-console-consumer.sh org.apache.kafka.tools.consumer.ConsoleConsumer
tool kafka-consumer-groups.sh org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
tool kafka-producer-perf-test.sh org.apache.kafka.tools.ProducerPerformance
tool kafka-consumer-perf-test.sh org.apache.kafka.tools.ConsumerPerformance
tool kafka-e2e-latency.sh org.apache.kafka.tools.EndToEndLatency
tool kafka-reassign-partitions.sh org.apache.kafka.tools.reassign.ReassignPartitionsCommand
tool kafka-leader-election.sh org.apache.kafka.tools.LeaderElectionCommand
tool kafka-get-offsets.sh org.apache.kafka.tools.GetOffsetShell
chmod 755 "$bin"/*.sh

cat >"$work/$name/config/log4j2.yaml" <<'EOF'
Configuration:
  Properties:
    Property:
      - name: "kafka.logs.dir"
        value: "."
      - name: "logPattern"
        value: "[%d] %p %m (%c)%n"
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "${logPattern}"
    RollingFile:
      - name: KafkaAppender
        fileName: "${sys:kafka.logs.dir}/server.log"
        filePattern: "${sys:kafka.logs.dir}/server.log.%d{yyyy-MM-dd-HH}"
        PatternLayout:
          pattern: "${logPattern}"
        TimeBasedTriggeringPolicy:
          modulate: true
          interval: 1
      - name: StateChangeAppender
        fileName: "${sys:kafka.logs.dir}/state-change.log"
        filePattern: "${sys:kafka.logs.dir}/state-change.log.%d{yyyy-MM-dd-HH}"
        PatternLayout:
          pattern: "${logPattern}"
        TimeBasedTriggeringPolicy:
          modulate: true
          interval: 1
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
        - ref: KafkaAppender
    Logger:
      - name: state.change.logger
        level: INFO
        additivity: false
        AppenderRef:
          ref: StateChangeAppender
EOF

cat >"$work/$name/config/tools-log4j2.yaml" <<'EOF'
Configuration:
  Appenders:
    Console:
      name: STDERR
      target: SYSTEM_ERR
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDERR
EOF

cat >"$work/$name/config/server.properties" <<'EOF'
# Placeholder with the official layout; the roles template their own configuration.
process.roles=broker,controller
EOF

cat >"$work/$name/licenses/README" <<EOF
Assembled for tests from Maven Central artifacts of Apache Kafka ${version} (Apache License 2.0)
and their dependencies, each under its own license as published in its Maven metadata.
EOF
printf '%s\n' "$version" >"$work/$name/VERSION.harness"

tar -C "$work" -czf "$archive.tmp" "$name"
mv "$archive.tmp" "$archive"
(cd "$out_dir" && sha512sum "$name.tgz" >"$name.tgz.sha512")
echo "built $archive ($(du -h "$archive" | cut -f1)) in $(( $(date +%s) - start ))s"
