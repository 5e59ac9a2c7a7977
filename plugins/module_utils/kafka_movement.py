# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Moving data with the cluster: what kafka_partition_reassignment, kafka_preferred_leaders and
kafka_broker_registration share. Reading the assignment and partition health (Metadata), the
replication throttle (IncrementalAlterConfigs), submitting and following reassignments
(AlterPartitionReassignments, ListPartitionReassignments), preferred leader elections
(ElectLeaders) and broker unregistration (UnregisterBroker).

The plans themselves are pure and live in kafka_reassignment.py; the functions whose name starts
with shape_ or ends with _plan here are pure too, and unit-tested."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_admin import KafkaRefused, ask, unregister
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import (
    KafkaUnavailable,
    describe_cluster,
    send_request,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_protocol import (
    CONFIG_RESOURCE_BROKER,
    CONFIG_RESOURCE_TOPIC,
    CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER,
    CONFIG_SOURCE_DYNAMIC_TOPIC,
    ELECTION_NOT_NEEDED,
    alter_configs_request,
    alter_reassignments_request,
    describe_error,
    describe_many_configs_request,
    elect_leaders_request,
    list_reassignments_request,
    metadata_request,
    transient_error,
    unregister_broker_request,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_state import shape_cluster

# The replication throttle (KIP-73): a rate in bytes/s per broker, which only applies to the
# replicas each topic lists. The rates are set once for every broker (the cluster-wide default,
# one request to any broker); a per-broker value set by someone else takes precedence.
THROTTLE_RATES = ('leader.replication.throttled.rate', 'follower.replication.throttled.rate')
THROTTLE_REPLICAS = ('leader.replication.throttled.replicas', 'follower.replication.throttled.replicas')
CLUSTER_DEFAULT = ''
# UnregisterBroker's answer for an ID that is not registered.
BROKER_ID_NOT_REGISTERED = 102


def shape_assignment(response):
    """Metadata response dict -> dict(assignment={topic: {partition: [replicas]}}, leaders=
    {topic: {partition: leader}}, isr={topic: {partition: [ids]}}, under_replicated=[names],
    offline=[names]). Replicas keep Kafka's order: the first is the preferred leader."""
    assignment, leaders, isr, under, offline = {}, {}, {}, [], []
    for topic in response.get('topics', []):
        name = topic.get('name')
        if topic.get('error_code'):
            raise KafkaRefused('Metadata of topic %s: %s' % (name, describe_error(topic['error_code'])))
        for part in topic.get('partitions', []):
            index = part['partition_index']
            replicas = list(part.get('replica_nodes') or [])
            in_sync = list(part.get('isr_nodes') or [])
            assignment.setdefault(name, {})[index] = replicas
            leaders.setdefault(name, {})[index] = part.get('leader_id', -1)
            isr.setdefault(name, {})[index] = in_sync
            if part.get('leader_id', -1) < 0:
                offline.append('%s-%s' % (name, index))
            if len(in_sync) < len(replicas):
                under.append('%s-%s' % (name, index))
    return dict(assignment=assignment, leaders=leaders, isr=isr, under_replicated=sorted(under),
                offline=sorted(offline))


def server_timeout_ms(params):
    """Kafka's own deadline for a request, inside ours, so that its answer arrives rather than our timeout."""
    return int(params['request_timeout'] * 1000 / 2)


def read_assignment(params, topics=None):
    """shape_assignment of the cluster's Metadata, restricted to `topics` when given (a missing
    one raises KafkaRefused)."""
    shaped = shape_assignment(send_request(params, metadata_request(), 'Metadata'))
    if topics:
        missing = sorted(set(topics) - set(shaped['assignment']))
        if missing:
            raise KafkaRefused('topics %s do not exist (existing: %s)' % (missing, sorted(shaped['assignment'])))
        for key in ('assignment', 'leaders', 'isr'):
            shaped[key] = dict((name, shaped[key][name]) for name in topics)
        for key in ('under_replicated', 'offline'):
            shaped[key] = [name for name in shaped[key] if name.rsplit('-', 1)[0] in topics]
    return shaped


def read_brokers(params):
    """shape_cluster of DescribeCluster (registered brokers, fenced ones included, with racks)."""
    return shape_cluster(describe_cluster(params))


def ongoing_reassignments(params):
    """['topic-partition'] of the reassignments in progress (ListPartitionReassignments)."""
    response = ask(params, list_reassignments_request(server_timeout_ms(params)), 'ListPartitionReassignments')
    return sorted('%s-%s' % (topic['name'], part['partition_index'])
                  for topic in response.get('topics', []) for part in topic.get('partitions', []))


def throttle_plan(moves, rate):
    """The throttle configs of a set of moves, as kafka-reassign-partitions sets them: the rate,
    the replicas that send (every replica of a moving partition as it is now) and those that
    receive (the new ones). Returns [(resource type, name, {config: value})]."""
    leader, follower = {}, {}
    for move in moves:
        if not move['moved']:
            continue
        leader.setdefault(move['topic'], []).extend('%s:%s' % (move['partition'], b) for b in move['before'])
        follower.setdefault(move['topic'], []).extend('%s:%s' % (move['partition'], b) for b in move['moved'])
    if not follower:
        return []
    changes = [(CONFIG_RESOURCE_BROKER, CLUSTER_DEFAULT, dict((name, str(rate)) for name in THROTTLE_RATES))]
    for topic in sorted(follower):
        changes.append((CONFIG_RESOURCE_TOPIC, topic, {THROTTLE_REPLICAS[0]: ','.join(leader[topic]),
                                                       THROTTLE_REPLICAS[1]: ','.join(follower[topic])}))
    return changes


def shape_throttles(response):
    """DescribeConfigs response dict -> [(resource type, name, {config: None})]: the throttle
    configs set on topics or cluster-wide, each to be deleted."""
    found = []
    for resource in response.get('results', []):
        names = [c['name'] for c in resource.get('configs', [])
                 if c.get('config_source') in (CONFIG_SOURCE_DYNAMIC_TOPIC, CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER)
                 and c['name'] in THROTTLE_RATES + THROTTLE_REPLICAS]
        if names:
            found.append((resource['resource_type'], resource['resource_name'], dict((n, None) for n in names)))
    return found


def throttles_set(params, topics):
    """The throttle configs set now on `topics` and cluster-wide (left by this module's run, or
    one that was interrupted), as changes that delete them. A resource Kafka does not describe
    (a topic deleted meanwhile, one the principal may not see) is skipped, not an error."""
    resources = [(CONFIG_RESOURCE_BROKER, CLUSTER_DEFAULT)] + [(CONFIG_RESOURCE_TOPIC, t) for t in sorted(topics)]
    response = send_request(params, describe_many_configs_request(resources, THROTTLE_RATES + THROTTLE_REPLICAS),
                            'DescribeConfigs of the replication throttle', refusal=transient_error)
    response = dict(response, results=[r for r in response.get('results', []) if not r.get('error_code')])
    return shape_throttles(response)


def throttle_removal(params, topics, planned):
    """Changes that delete every throttle config: the ones this run set (planned, deleted even if
    they cannot be described) and any other found set on `topics` or cluster-wide."""
    order = [(kind, name) for kind, name, dummy in planned]
    changes = dict(((kind, name), dict((config, None) for config in configs)) for kind, name, configs in planned)
    for kind, name, configs in throttles_set(params, topics):
        if (kind, name) not in changes:
            order.append((kind, name))
        changes.setdefault((kind, name), {}).update(configs)
    return [(kind, name, changes[(kind, name)]) for kind, name in order]


def alter_configs(params, changes, step):
    if changes:
        ask(params, alter_configs_request(changes), step)


def submit_reassignment(params, target):
    """AlterPartitionReassignments of target {topic: {partition: replicas}}."""
    ask(params, alter_reassignments_request(target, server_timeout_ms(params)),
        'AlterPartitionReassignments of %d partition(s)' % sum(len(p) for p in target.values()))


def wait_for(check, timeout, interval=1.0, clock=time.monotonic, sleep=time.sleep):
    """Call check() (returns a list of what is still wrong) until it returns nothing or timeout
    seconds pass; a KafkaUnavailable counts as not yet. Returns what is still wrong ([] when done);
    raises the last KafkaUnavailable when the cluster never answered at all."""
    deadline = clock() + timeout
    answered = False
    while True:
        try:
            left = check()
            answered = True
        except KafkaUnavailable as exc:
            if clock() + interval > deadline and not answered:
                raise
            left = ['cluster not reachable: %s' % exc]
        if not left or clock() + interval > deadline:
            return left
        sleep(interval)


def out_of_sync(shaped, ignore=()):
    """['topic-partition under-replicated' / 'offline'] of a shape_assignment, leaving out the
    replicas of the brokers in ignore (being drained: they may be down, which is why they go)."""
    ignored = set(ignore)
    found = []
    for topic in sorted(shaped['assignment']):
        for partition, replicas in sorted(shaped['assignment'][topic].items()):
            name = '%s-%s' % (topic, partition)
            if shaped['leaders'][topic][partition] < 0:
                found.append('%s offline' % name)
            elif set(replicas) - set(shaped['isr'][topic][partition]) - ignored:
                found.append('%s under-replicated' % name)
    return found


def election_plan(shaped):
    """{topic: [partition]} whose leader is not the preferred (first) replica while that replica is
    in sync, so that an election would move leadership to it."""
    plan = {}
    for topic in sorted(shaped['assignment']):
        for partition, replicas in sorted(shaped['assignment'][topic].items()):
            if replicas and shaped['leaders'][topic][partition] != replicas[0] \
                    and replicas[0] in shaped['isr'][topic][partition]:
                plan.setdefault(topic, []).append(partition)
    return plan


def not_preferred(shaped):
    """['topic-partition'] led by another replica than the preferred one (in sync or not)."""
    return ['%s-%s' % (topic, partition) for topic in sorted(shaped['assignment'])
            for partition, replicas in sorted(shaped['assignment'][topic].items())
            if replicas and shaped['leaders'][topic][partition] != replicas[0]]


def elect_preferred(params, partitions):
    """ElectLeaders (preferred) of {topic: [partition]}. Returns ['topic-partition: error'] of
    the partitions Kafka could not move (ELECTION_NOT_NEEDED is success)."""
    response = ask_elect(params, partitions)
    failed = []
    for result in response.get('replica_election_results', []):
        for part in result.get('partition_result', []):
            code = part.get('error_code')
            if code and code != ELECTION_NOT_NEEDED:
                failed.append('%s-%s: %s' % (result['topic'], part['partition_id'],
                                             describe_error(code, part.get('error_message'))))
    return failed


def ask_elect(params, partitions):
    # Per-partition codes are judged by elect_preferred; only a top-level one fails the request.
    response = send_request(params, elect_leaders_request(partitions, server_timeout_ms(params)),
                            'ElectLeaders', refusal=lambda r: transient_error(dict(error_code=r.get('error_code'))))
    if response.get('error_code'):
        raise KafkaRefused('ElectLeaders refused: %s' % describe_error(response['error_code']))
    return response


def partition_names(partitions):
    """{topic: [partition]} -> ['topic-partition'], sorted."""
    return ['%s-%s' % (topic, p) for topic in sorted(partitions) for p in sorted(partitions[topic])]


def elect_until_preferred(params, topics, timeout):
    """Elect preferred leaders (of `topics`, default all) until every partition is led by its
    preferred replica, or `timeout` seconds pass (a preferred replica out of sync after a restart
    catches up meanwhile). Returns (elected, still not preferred, Kafka's refusals)."""
    elected, failures = set(), []

    def check():
        shaped = read_assignment(params, topics)
        wanted = election_plan(shaped)
        if not wanted:
            return not_preferred(shaped)
        elected.update(partition_names(wanted))
        failures[:] = elect_preferred(params, wanted)
        return not_preferred(read_assignment(params, topics))

    left = wait_for(check, timeout)
    return sorted(elected - set(left)), left, failures


def unregister_broker(params, broker_id):
    """UnregisterBroker: True when it was registered, False when it was not; raises as ask()."""
    return unregister(params, unregister_broker_request(broker_id), 'UnregisterBroker', BROKER_ID_NOT_REGISTERED)
