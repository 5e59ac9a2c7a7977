"""Durability probe against a live cluster: create a topic (RF 3, min.insync.replicas 2),
produce N numbered messages with acks=all and idempotence, consume the topic from the
beginning, and report what was acknowledged, lost and duplicated as JSON.

With --existing N, produce nothing: read an existing probe topic and check that the N messages
an earlier run acknowledged (0..N-1) are all still there.

Exit status 0 only when every acknowledged message was read back."""

import argparse
import json
import os
import sys
import time

from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import ConfigResource, ConfigResourceType, KafkaAdminClient, NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--bootstrap', required=True, help='comma-separated host:port of brokers')
    parser.add_argument('--topic', default='verify-durability')
    parser.add_argument('--messages', type=int, default=1000)
    parser.add_argument('--partitions', type=int, default=3)
    parser.add_argument('--replication-factor', type=int, default=3)
    parser.add_argument('--min-insync', type=int, default=2)
    parser.add_argument('--timeout', type=float, default=60)
    parser.add_argument('--duration', type=float, default=0,
                        help='spread the sends over this many seconds (to keep producing through a fault)')
    parser.add_argument('--until-file', default=None,
                        help='stop sending once this file exists (at the pace --messages/--duration sets, at '
                             'most --messages): one probe per step of a test, however long the step takes')
    parser.add_argument('--existing', type=int, default=None,
                        help='produce nothing; check that messages 0..N-1 of an earlier run are still there')
    add_security_arguments(parser)
    args = parser.parse_args()
    servers = args.bootstrap.split(',')
    security = security_config(args)
    report = dict(topic=args.topic, requested=args.messages)

    admin = KafkaAdminClient(bootstrap_servers=servers, request_timeout_ms=30000, **security)
    try:
        admin.create_topics([NewTopic(args.topic, args.partitions, args.replication_factor,
                                      topic_configs={'min.insync.replicas': str(args.min_insync)})])
    except TopicAlreadyExistsError:
        pass
    # A new topic reaches every broker's metadata a moment after CreateTopics returns.
    deadline = time.monotonic() + args.timeout
    while True:
        try:
            described = admin.describe_topics([args.topic])[0]
            configs = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, args.topic)])
            min_isr = configs['topic'][args.topic]['min.insync.replicas']['value']
            if described['partitions']:
                break
        except (KeyError, IndexError, KafkaError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit('topic %s did not appear with its configuration within %ss' % (args.topic, args.timeout))
        time.sleep(0.5)
    report['replication_factors'] = sorted(set(len(p['replica_nodes']) for p in described['partitions']))
    report['min_insync_replicas'] = int(min_isr)
    admin.close()

    if args.existing is not None:
        acked, failed = set(range(args.existing)), []
        report['sent'] = 0
    else:
        acked, failed = produce(args, servers, report, security)

    consumer = KafkaConsumer(args.topic, bootstrap_servers=servers, auto_offset_reset='earliest',
                             enable_auto_commit=False, consumer_timeout_ms=10000, group_id=None, **security)
    seen = {}
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline and not acked.issubset(seen):
        for record in consumer:
            value = int(record.value.decode())
            seen[value] = seen.get(value, 0) + 1
            if acked.issubset(seen):
                break
    consumer.close()

    report.update(acknowledged=len(acked), failed_sends=len(failed), failures=failed[:10],
                  consumed_distinct=len(seen), lost=len(acked - set(seen)),
                  duplicated=sum(count - 1 for count in seen.values()))
    print(json.dumps(report))
    healthy = (report['lost'] == 0 and acked and report['replication_factors'] == [args.replication_factor]
               and report['min_insync_replicas'] == args.min_insync)
    return 0 if healthy else 1


def add_security_arguments(parser):
    parser.add_argument('--security-protocol', default='PLAINTEXT')
    parser.add_argument('--cafile')
    parser.add_argument('--sasl-mechanism', default='SCRAM-SHA-512')
    parser.add_argument('--username')
    parser.add_argument('--password-file', help='file holding the SASL password (kept off the command line)')


def security_config(args):
    """kafka-python settings for --security-protocol and friends (empty for PLAINTEXT)."""
    config = {'security_protocol': args.security_protocol}
    if args.cafile:
        config['ssl_cafile'] = args.cafile
    if args.security_protocol.startswith('SASL'):
        with open(args.password_file) as handle:
            password = handle.read().strip()
        config.update(sasl_mechanism=args.sasl_mechanism, sasl_plain_username=args.username,
                      sasl_plain_password=password)
    return config


def produce(args, servers, report, security):
    """Send the numbered messages (spread over --duration); return (acknowledged, failures)."""
    producer = KafkaProducer(bootstrap_servers=servers, acks='all', enable_idempotence=True,
                             retries=2147483647, max_in_flight_requests_per_connection=5,
                             request_timeout_ms=15000, delivery_timeout_ms=int(args.timeout * 1000), **security)
    started = time.monotonic()
    futures = []
    for i in range(args.messages):
        if i and args.until_file and os.path.exists(args.until_file):
            break
        pause = started + i * args.duration / args.messages - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        futures.append((i, producer.send(args.topic, key=b'probe', value=str(i).encode())))
    report['sent'] = len(futures)
    acked, failed = set(), []
    for i, future in futures:
        try:
            future.get(timeout=args.timeout)
            acked.add(i)
        except Exception as exc:  # each failed send is counted and reported, not hidden
            failed.append('%s: %s' % (i, exc))
    producer.flush()
    producer.close()
    report['produce_seconds'] = round(time.monotonic() - started, 3)
    return acked, failed


if __name__ == '__main__':
    sys.exit(main())
