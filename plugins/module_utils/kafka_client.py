# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the collection's modules reach Kafka: their common options, and sending one request.

One request per call over a plain kafka-python connection to a bootstrap address. The
connection is never bootstrapped through Metadata, because KRaft controllers do not serve
Metadata: ApiVersions (and SASL, when configured) then the request itself. That lets the same
code talk to a controller listener directly or to a broker. The requests themselves are built in
kafka_protocol.py.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import time
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_protocol import (
    KAFKA_PROTOCOL_IMPORT_ERROR,
    api_versions_request,
    cluster_request,
    metadata_request,
    quorum_request,
    registered_controllers_request,
    response_error,
)

KAFKA_IMPORT_ERROR = KAFKA_PROTOCOL_IMPORT_ERROR
try:
    from kafka.errors import KafkaError
    from kafka.net.manager import KafkaConnectionManager
    from kafka.net.selector import NetworkSelector
except ImportError:  # pragma: no cover - exercised through missing_required_lib
    KAFKA_IMPORT_ERROR = KAFKA_IMPORT_ERROR or traceback.format_exc()

    class KafkaError(Exception):
        """Stands in for kafka.errors.KafkaError, so the except clauses below stay valid; a module
        fails in check_kafka_python before it sends anything."""


def kafka_common_argument_spec():
    """The options every module of the collection takes to reach Kafka, as a new dict that the
    module merges into its own argument_spec; documented once in doc_fragments/connection.py."""
    return dict(
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


# Rules between the common options, for the module's AnsibleModule (add your own to a copy).
KAFKA_COMMON_REQUIRED_TOGETHER = [('sasl_username', 'sasl_password')]
KAFKA_COMMON_REQUIRED_IF = [
    ('security_protocol', 'SASL_PLAINTEXT', ('sasl_mechanism', 'sasl_username', 'sasl_password')),
    ('security_protocol', 'SASL_SSL', ('sasl_mechanism', 'sasl_username', 'sasl_password')),
]


def check_kafka_python(module):
    """Fail the module, saying what to install, when kafka-python cannot be imported."""
    if KAFKA_IMPORT_ERROR:
        module.fail_json(msg=missing_required_lib('kafka-python'), exception=KAFKA_IMPORT_ERROR)


class KafkaUnavailable(Exception):
    """The cluster could not be reached, did not authenticate us, or answered with an error code
    that a later attempt may not get; the message names each address and step."""


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


def _cause(exc):
    # kafka-python's errors name their class; OSError and its TLS/socket kinds do not.
    return str(exc) if isinstance(exc, KafkaError) else '%s: %s' % (type(exc).__name__, exc)


def send(address, config, request):
    """The one place a request goes out: connect to `address` (TCP, TLS, ApiVersions, SASL), send
    `request`, return kafka-python's response object.

    Raises KafkaUnavailable naming the step for what a network, a TLS setup or a cluster can
    cause: kafka-python's KafkaError (refused, timed out, disconnected, SASL or authorization
    failure, unsupported version), OSError (unreadable certificate or key, socket and TLS errors)
    and a malformed host:port. Anything else is a bug and propagates.
    """
    try:
        manager = KafkaConnectionManager(_network(), bootstrap_servers=address, **config)
    except ValueError as exc:  # kafka-python parses the port with int()
        raise KafkaUnavailable('bootstrap address: %s' % (exc,))
    node_id = manager.cluster.bootstrap_brokers()[0].node_id

    async def exchange():
        connection = manager.get_connection(node_id)
        try:
            await connection
        except (KafkaError, OSError) as exc:
            raise KafkaUnavailable('connect/handshake: %s' % (_cause(exc),))
        return await manager.send(request, node_id=node_id, request_timeout_ms=config['request_timeout_ms'])

    try:
        return manager.run(exchange)
    except (KafkaError, OSError) as exc:
        raise KafkaUnavailable('%s: %s' % (type(request).__name__, _cause(exc)))
    finally:
        manager.close()


def _answer(address, config, request, refusal):
    # (response dict, None) or (None, why this address does not count). kafka-python fixes a
    # request's version on the object when it first sends it: each address (and each attempt of
    # a wait loop) gets a copy, so a node of an older release is asked in a version it speaks.
    try:
        response = send(address, config, copy.copy(request)).to_dict()
    except KafkaUnavailable as exc:
        return None, str(exc)
    reason = refusal(response) if refusal else None
    return (response, None) if reason is None else (None, reason)


def first_answer(params, request, step, refusal=None):
    """Send one request to the first bootstrap address that answers; return (address, response dict).

    refusal(response) returns why an answer does not count (a controller that is not the
    leader, an error code), and the next address is tried. Raises KafkaUnavailable naming every
    address tried, the step and the cause.
    """
    config = client_config(params)
    errors = []
    for address in params['bootstrap_servers']:
        response, reason = _answer(address, config, request, refusal)
        if reason is None:
            return address, response
        errors.append('%s: %s' % (address, reason))
    raise KafkaUnavailable('%s failed on every bootstrap address (%s)' % (step, '; '.join(errors)))


def send_request(params, request, step, refusal=None):
    """The response dict of the first bootstrap address that answers (see first_answer)."""
    return first_answer(params, request, step, refusal)[1]


def every_answer(params, build, step, refusal=None):
    """Send a request built by build() to every bootstrap address; return {address: response dict}
    in the order of bootstrap_servers.

    Each address gets its own request object, as the version is chosen per connection. Raises
    KafkaUnavailable naming each address that did not answer (or whose answer refusal() rejects):
    an answer missing from some nodes would be taken for all of them.
    """
    config = client_config(params)
    answers, errors = {}, []
    for address in params['bootstrap_servers']:
        response, reason = _answer(address, config, build(), refusal)
        if reason is None:
            answers[address] = response
        else:
            errors.append('%s: %s' % (address, reason))
    if errors:
        raise KafkaUnavailable('%s failed on %d of %d bootstrap addresses (%s)'
                               % (step, len(errors), len(params['bootstrap_servers']), '; '.join(errors)))
    return answers


def describe_quorum(params):
    # Only the active controller answers DescribeQuorum; the others say NOT_LEADER_OR_FOLLOWER
    # (error 6), and during an election every node may: an error code means ask the next one.
    return send_request(params, quorum_request(), 'DescribeQuorum', refusal=response_error)


def describe_cluster(params):
    # An error code (a broker still starting, a controller not known yet) is worth asking again.
    return send_request(params, cluster_request(), 'DescribeCluster', refusal=response_error)


def describe_registered_controllers(params):
    """Sorted node IDs of the controllers registered in the metadata (DescribeCluster of the
    controller endpoints, answered by controllers): a removed controller stays until unregistered."""
    response = send_request(params, registered_controllers_request(), 'DescribeCluster (controllers)',
                            refusal=response_error)
    return sorted(node['broker_id'] for node in response.get('brokers', []))


def describe_features(params):
    """(address, ApiVersions response dict) of the first bootstrap address that answers: the
    features that node supports and the levels finalized cluster-wide, as it knows them."""
    return first_answer(params, api_versions_request(), 'ApiVersions', refusal=response_error)


def describe_features_everywhere(params):
    """{address: ApiVersions response dict} of every bootstrap address; each must answer."""
    return every_answer(params, api_versions_request, 'ApiVersions', refusal=response_error)


def describe_topics(params):
    """Metadata of every topic, for partition health (replicas, ISR, leader)."""
    return send_request(params, metadata_request(), 'Metadata')


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
        message = '%s not available after %s attempt(s): %s' % (subject, attempts, error)
    else:
        message = '%s check failed after %s attempt(s): %s' % (subject, attempts, '; '.join(problems))
    if not result['available'] and module.params['fail_on_unavailable']:
        module.fail_json(msg=message, **result)
    module.exit_json(**result)
