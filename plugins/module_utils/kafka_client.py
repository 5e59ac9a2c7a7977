# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Kafka protocol access shared by the collection's modules.

One request per call over a plain kafka-python connection to a bootstrap address. The
connection is never bootstrapped through Metadata, because KRaft controllers do not serve
Metadata: ApiVersions (and SASL, when configured) then the request itself. That lets the same
code talk to a controller listener directly or to a broker.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
import traceback

KAFKA_IMPORT_ERROR = None
try:
    from kafka.net.manager import KafkaConnectionManager
    from kafka.net.selector import NetworkSelector
    from kafka.protocol.admin import DescribeClusterRequest, DescribeQuorumRequest
    from kafka.protocol.metadata import MetadataRequest
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    KAFKA_IMPORT_ERROR = traceback.format_exc()

METADATA_TOPIC = '__cluster_metadata'

# The options every module of the collection takes to reach Kafka; documented once in
# doc_fragments/connection.py.
CONNECTION_ARGSPEC = dict(
    bootstrap_servers=dict(type='list', elements='str', required=True),
    security_protocol=dict(type='str', default='PLAINTEXT',
                           choices=['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL']),
    ssl_cafile=dict(type='path'),
    ssl_certfile=dict(type='path'),
    ssl_keyfile=dict(type='path'),
    ssl_password=dict(type='str', no_log=True),
    ssl_check_hostname=dict(type='bool', default=True),
    sasl_mechanism=dict(type='str', choices=['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']),
    sasl_username=dict(type='str'),
    sasl_password=dict(type='str', no_log=True),
    connect_timeout=dict(type='float', default=5.0),
    request_timeout=dict(type='float', default=10.0),
    fail_on_unavailable=dict(type='bool', default=True),
)

CONNECTION_REQUIRED_TOGETHER = [('sasl_username', 'sasl_password')]
CONNECTION_REQUIRED_IF = [
    ('security_protocol', 'SASL_PLAINTEXT', ('sasl_mechanism', 'sasl_username', 'sasl_password')),
    ('security_protocol', 'SASL_SSL', ('sasl_mechanism', 'sasl_username', 'sasl_password')),
]


def connection_module(**options):
    """The AnsibleModule of every module of the collection: the connection options plus
    `options`, check mode supported, and a clear failure when kafka-python is missing."""
    from ansible.module_utils.basic import AnsibleModule, missing_required_lib
    argument_spec = dict(CONNECTION_ARGSPEC)
    argument_spec.update(options)
    module = AnsibleModule(argument_spec=argument_spec,
                           required_together=CONNECTION_REQUIRED_TOGETHER,
                           required_if=CONNECTION_REQUIRED_IF,
                           supports_check_mode=True)
    if KAFKA_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('kafka-python'), exception=KAFKA_IMPORT_ERROR)
    return module


class KafkaUnavailable(Exception):
    """No bootstrap address answered the request; the message names each address and step."""


def client_config(params):
    """kafka-python configuration for the connection options of a module."""
    config = dict(
        security_protocol=params['security_protocol'],
        ssl_check_hostname=params['ssl_check_hostname'],
        socket_connection_setup_timeout_ms=int(params['connect_timeout'] * 1000),
        socket_connection_setup_timeout_max_ms=int(params['connect_timeout'] * 1000),
        request_timeout_ms=int(params['request_timeout'] * 1000),
        reconnect_backoff_ms=50,
        reconnect_backoff_max_ms=1000,
        client_id='kafkaops.kraft',
    )
    for option in ('ssl_cafile', 'ssl_certfile', 'ssl_keyfile', 'ssl_password', 'sasl_mechanism'):
        if params.get(option):
            config[option] = params[option]
    if params.get('sasl_username'):
        config['sasl_plain_username'] = params['sasl_username']
        config['sasl_plain_password'] = params['sasl_password']
    return config


_NETWORK = []


def _network():
    # One event loop for the life of the module process: kafka-python offers no public way to
    # release a selector, and a `wait` loop would otherwise open one per attempt.
    if not _NETWORK:
        _NETWORK.append(NetworkSelector())
    return _NETWORK[0]


def _send_once(address, config, request):
    net = _network()
    manager = KafkaConnectionManager(net, bootstrap_servers=address, **config)
    node_id = manager.cluster.bootstrap_brokers()[0].node_id

    async def exchange():
        connection = manager.get_connection(node_id)
        try:
            await connection
        except Exception as exc:
            raise KafkaUnavailable('connect/handshake: %s' % (exc,))
        return await manager.send(request, node_id=node_id,
                                  request_timeout_ms=config['request_timeout_ms'])

    try:
        return manager.run(exchange)
    finally:
        manager.close()


def send_request(params, request, step, refusal=None):
    """Send one request to the first bootstrap address that answers; return the response dict.

    refusal(response) returns why an answer does not count (a controller that is not the
    leader, say), and the next address is tried. Raises KafkaUnavailable naming every address
    tried, the step and the cause.
    """
    config = client_config(params)
    errors = []
    for address in params['bootstrap_servers']:
        try:
            response = _send_once(address, config, request).to_dict()
            reason = refusal(response) if refusal else None
            if reason is None:
                return response
            errors.append('%s: %s' % (address, reason))
        except KafkaUnavailable as exc:
            errors.append('%s: %s' % (address, exc))
        except Exception as exc:  # kafka-python raises many unrelated types for one cause
            errors.append('%s: %s: %s' % (address, type(exc).__name__, exc))
    raise KafkaUnavailable('%s failed on every bootstrap address (%s)' % (step, '; '.join(errors)))


def quorum_request():
    """DescribeQuorum (API key 55) for partition 0 of the metadata log."""
    topic = DescribeQuorumRequest.TopicData
    return DescribeQuorumRequest(topics=[
        topic(topic_name=METADATA_TOPIC, partitions=[topic.PartitionData(partition_index=0)])])


def cluster_request():
    """DescribeCluster (API key 60), fenced brokers included."""
    return DescribeClusterRequest(include_cluster_authorized_operations=False, include_fenced_brokers=True)


def describe_quorum(params):
    return send_request(params, quorum_request(), 'DescribeQuorum', refusal=_quorum_refusal)


def _quorum_refusal(response):
    # Only the active controller answers DescribeQuorum; the others say NOT_LEADER_OR_FOLLOWER
    # (error 6), and during an election every node may.
    codes = [response.get('error_code')] + [
        part.get('error_code') for topic in response.get('topics', []) for part in topic.get('partitions', [])]
    for code in codes:
        if code:
            return 'error %s (%s)' % (code, ERROR_NAMES.get(code, 'see the Kafka protocol error codes'))
    return None


ERROR_NAMES = {6: 'NOT_LEADER_OR_FOLLOWER: this node is not the quorum leader',
               15: 'COORDINATOR_NOT_AVAILABLE', 41: 'NOT_CONTROLLER',
               31: 'CLUSTER_AUTHORIZATION_FAILED', 3: 'UNKNOWN_TOPIC_OR_PARTITION'}


def describe_cluster(params):
    return send_request(params, cluster_request(), 'DescribeCluster')


def describe_topics(params):
    """Metadata of every topic, for partition health (replicas, ISR, leader)."""
    request = MetadataRequest(topics=None, allow_auto_topic_creation=False)
    return send_request(params, request, 'Metadata')


def poll(collect, wait, interval=1.0, clock=None, sleep=None):
    """Call collect() until it returns no problems or `wait` seconds are spent.

    collect() returns (facts, problems) and may raise KafkaUnavailable. Returns
    (facts, problems, unavailable_error, attempts) of the last attempt.
    """
    clock = clock or time.monotonic
    sleep = sleep or time.sleep
    deadline = clock() + max(wait, 0)
    attempts = 0
    while True:
        attempts += 1
        facts, problems, error = None, [], None
        try:
            facts, problems = collect()
        except KafkaUnavailable as exc:
            error = str(exc)
        if (not problems and error is None) or clock() + interval > deadline:
            return facts, problems, error, attempts
        sleep(interval)


def exit_with_facts(module, subject, facts, problems, error, attempts):
    """Exit a read-only module: facts and problems always returned, failure per fail_on_unavailable."""
    result = dict(changed=False, attempts=attempts, problems=problems,
                  available=error is None and not problems)
    result.update(facts or {})
    if error is not None:
        result['error'] = error
        message = '%s unreachable after %s attempt(s): %s' % (subject, attempts, error)
    else:
        message = '%s check failed after %s attempt(s): %s' % (subject, attempts, '; '.join(problems))
    if not result['available'] and module.params['fail_on_unavailable']:
        module.fail_json(msg=message, **result)
    module.exit_json(**result)
