"""One client attempt against a secured cluster, for negative checks: connect with the given
protocol and credentials, then send one message to a topic. Prints JSON: whether it worked,
and the exception type and message seen. Always exits 0; the caller asserts on the JSON."""

import argparse
import json
import sys

from kafka import KafkaProducer

from produce_consume import add_security_arguments, security_config


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--bootstrap', required=True)
    parser.add_argument('--topic', required=True)
    parser.add_argument('--timeout', type=float, default=20)
    add_security_arguments(parser)
    args = parser.parse_args()
    result = dict(protocol=args.security_protocol, user=args.username, topic=args.topic)
    producer = None
    try:
        producer = KafkaProducer(bootstrap_servers=args.bootstrap.split(','), acks='all',
                                 max_block_ms=int(args.timeout * 1000), request_timeout_ms=int(args.timeout * 1000),
                                 delivery_timeout_ms=int(args.timeout * 1000) + 1000,
                                 **security_config(args))
        producer.send(args.topic, b'client-check').get(timeout=args.timeout)
        result.update(ok=True)
    except Exception as exc:  # the point is to see which error a refused client gets
        result.update(ok=False, error_type=type(exc).__name__, error=str(exc)[:300])
    finally:
        if producer is not None:
            producer.close(timeout=5)
    print(json.dumps(result))
    return 0


if __name__ == '__main__':
    sys.exit(main())
