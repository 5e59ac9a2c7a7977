#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kafka_partition_reassignment
short_description: Spread partition replicas evenly over brokers, or move them off brokers to drain
version_added: 0.3.0
description:
  - Reads every partition's replicas (Metadata) and the registered brokers (DescribeCluster),
    plans the fewest replica moves that put the replicas, and the preferred leaders, within one
    of each other per broker (all topics together, then each topic), every partition on as many
    racks as it can when every broker has a C(broker.rack), and nothing on O(exclude_brokers).
    A balanced cluster changes nothing.
  - Moves in batches of O(batch_size) partitions (AlterPartitionReassignments) under a
    replication throttle of O(throttle) bytes/s, set before the first batch and always removed
    at the end, whatever happened. Before the first batch and after each, no partition of the
    cluster may be under-replicated or offline (waiting up to O(timeout) seconds); each batch
    must complete (ListPartitionReassignments) within O(timeout) seconds.
  - Reassignments already in progress (an interrupted run) are waited for before planning, and a
    throttle left set by such a run is removed.
  - With O(elect_leaders), then elects the preferred leaders (ElectLeaders), so that leadership
    ends as balanced as the plan.
author:
  - kafkaops.kraft maintainers (@kafkaops)
extends_documentation_fragment:
  - kafkaops.kraft.connection
attributes:
  check_mode:
    description: Plans and lists the moves and elections without making them.
    support: full
  diff_mode:
    description: Shows each moving partition's replicas before and after.
    support: full
options:
  brokers:
    description:
      - The broker IDs that may hold replicas. Each must be registered and unfenced.
      - Default every registered, unfenced broker.
    type: list
    elements: int
  exclude_brokers:
    description:
      - Broker IDs to empty (a drain before a decommission). Every replica they hold moves to the
        others; they need not be running or registered any more (their replicas missing from the
        in-sync replicas do not hold the moves back).
    type: list
    elements: int
    default: []
  topics:
    description: Only plan these topics. Default every topic, internal ones included.
    type: list
    elements: str
  throttle:
    description:
      - Replication throttle while moving, in bytes per second per broker, set as
        C(leader.replication.throttled.rate) and C(follower.replication.throttled.rate) for every
        broker and as the moving replicas of each topic. V(0) moves unthrottled.
      - The module owns these four configs while it runs and deletes them at the end, values set
        before it ran included (an interrupted run's); RV(throttles_removed) lists them. When
        partitions of the plan are still moving at the end (a batch that timed out), the throttle
        stays set and the module fails; a re-run waits for them, then removes it.
    type: int
    default: 52428800
  batch_size:
    description: Partitions submitted at once.
    type: int
    default: 20
  timeout:
    description: Seconds each batch may take, and the longest wait for partitions to be in sync.
    type: float
    default: 600
  min_insync_replicas:
    description:
      - Refuse, before anything moves, when fewer brokers than this would remain to hold replicas
        (the replication factor of every partition is checked in any case).
    type: int
  elect_leaders:
    description: Elect the preferred leaders once the replicas are in place.
    type: bool
    default: true
notes:
  - Connect through brokers. With authorization on, the principal needs Alter and Describe on the
    cluster and DescribeConfigs/AlterConfigs on the topics and cluster.
  - The plan is computed by a pure function of the collection (C(module_utils/kafka_reassignment.py)).
seealso:
  - module: kafkaops.kraft.kafka_preferred_leaders
  - module: kafkaops.kraft.kafka_broker_registration
  - name: KIP-455 Create an Administrative API for Replica Reassignment
    description: The AlterPartitionReassignments and ListPartitionReassignments requests.
    link: https://cwiki.apache.org/confluence/display/KAFKA/KIP-455%3A+Create+an+Administrative+API+for+Replica+Reassignment
'''

EXAMPLES = r'''
- name: Spread every topic over the brokers after adding one
  kafkaops.kraft.kafka_partition_reassignment:
    bootstrap_servers: ["broker-1:9092", "broker-2:9092"]
  delegate_to: localhost
  run_once: true

- name: Drain broker 3 before removing it, at 10 MB/s
  kafkaops.kraft.kafka_partition_reassignment:
    bootstrap_servers: ["broker-1:9092", "broker-2:9092"]
    exclude_brokers: [3]
    throttle: 10000000
    min_insync_replicas: 2
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
moves:
  description:
    - Every partition whose replica list changes; moved lists the brokers that receive a replica,
      reordered is true when only the order (the preferred leader) changes.
  type: list
  elements: dict
  returned: always
  sample: [{"topic": "orders", "partition": 0, "before": [1, 2, 3], "after": [4, 2, 3], "moved": [4], "reordered": false}]
replicas_moved:
  description: Replicas copied to another broker.
  type: int
  returned: always
batches:
  description: AlterPartitionReassignments requests sent.
  type: int
  returned: always
throttle:
  description: The throttle used in bytes/s (0 when nothing moved or unthrottled).
  type: int
  returned: always
throttles_removed:
  description: Throttle configs deleted at the end, as C(resource/config).
  type: list
  elements: str
  returned: always
elected:
  description: Partitions whose preferred leader was elected (or would be, in check mode).
  type: list
  elements: str
  returned: always
not_preferred:
  description: Partitions still led by another replica than the preferred one at the end.
  type: list
  elements: str
  returned: always
balance_before:
  description: Replicas and preferred leaderships per broker before.
  type: dict
  returned: always
  sample: {"1": {"replicas": 12, "leaders": 4}, "4": {"replicas": 0, "leaders": 0}}
balance_after:
  description: The same after the plan.
  type: dict
  returned: always
seconds:
  description: Time spent moving and electing.
  type: float
  returned: always
'''

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_admin import (
    KafkaRefused,
    fail_refused,
    fail_unavailable,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import (
    KAFKA_COMMON_REQUIRED_IF,
    KAFKA_COMMON_REQUIRED_TOGETHER,
    KafkaUnavailable,
    check_kafka_python,
    kafka_common_argument_spec,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_movement import (
    alter_configs,
    elect_until_preferred,
    ongoing_reassignments,
    out_of_sync,
    partition_names,
    read_assignment,
    read_brokers,
    submit_reassignment,
    throttle_plan,
    throttle_removal,
    throttles_set,
    wait_for,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_reassignment import (
    balance_report,
    plan_reassignment,
)


def brokers_to_use(module, cluster):
    """(allowed, excluded) broker IDs, after checking O(brokers) against the registrations."""
    params = module.params
    unfenced = cluster['unfenced_broker_ids']
    allowed = params['brokers'] if params['brokers'] is not None else unfenced
    wrong = sorted(set(allowed) - set(unfenced))
    if wrong:
        module.fail_json(msg='brokers %s are not registered and unfenced (registered: %s, fenced: %s): start them, '
                             'or leave them out of brokers' % (wrong, cluster['broker_ids'], cluster['fenced_broker_ids']))
    excluded = sorted(set(params['exclude_brokers']))
    remaining = sorted(set(allowed) - set(excluded))
    if params['min_insync_replicas'] and len(remaining) < params['min_insync_replicas']:
        module.fail_json(msg='only %d broker(s) %s would remain to hold replicas, fewer than min_insync_replicas=%d: '
                             'add brokers before removing %s' % (len(remaining), remaining,
                                                                 params['min_insync_replicas'], excluded))
    return sorted(set(allowed)), excluded


def keyed(report):
    return dict((str(broker), counts) for broker, counts in sorted(report.items()))


def in_sync_everywhere(params, excluded):
    return out_of_sync(read_assignment(params), ignore=excluded)


def move(module, plan, all_topics, excluded, progress):
    """Submit the plan in batches under the throttle, then delete the throttle, unless partitions
    of the plan are still moving (a batch that timed out: the cluster carries it on, and a re-run
    waits for it, then deletes the throttle). progress['sent'] counts the batches sent, one that
    may have reached Kafka included. Returns (batches, throttle configs removed)."""
    params = module.params
    moves = plan['moves']
    batches = [moves[i:i + params['batch_size']] for i in range(0, len(moves), params['batch_size'])]
    throttle = throttle_plan(moves, params['throttle']) if params['throttle'] > 0 else []
    planned = set('%s-%s' % (m['topic'], m['partition']) for m in moves)
    failure = None
    try:
        alter_configs(params, throttle, 'IncrementalAlterConfigs of the throttle')
        for batch in batches:
            target = {}
            for entry in batch:
                target.setdefault(entry['topic'], {})[entry['partition']] = entry['after']
            names = set(partition_names(target))
            progress['sent'] += 1
            submit_reassignment(params, target)
            left = wait_for(lambda: sorted(names & set(ongoing_reassignments(params))), params['timeout'])
            if left:
                raise KafkaRefused('batch %d of %d did not complete within %s s; still moving: %s (the cluster '
                                   'carries on; re-run to wait for it)'
                                   % (progress['sent'], len(batches), params['timeout'], left))
            left = wait_for(lambda: in_sync_everywhere(params, excluded), params['timeout'])
            if left:
                raise KafkaRefused('after batch %d of %d, partitions are not in sync within %s s: %s'
                                   % (progress['sent'], len(batches), params['timeout'], left))
    except (KafkaUnavailable, KafkaRefused) as exc:
        failure = exc
    # The throttle goes once nothing of the plan moves any more; what removing it hits is added to
    # the failure that stopped the moves, never hides it.
    removed = []
    try:
        still = sorted(planned & set(ongoing_reassignments(params))) if progress['sent'] else []
        if still:
            problem = ('throttle left set at %s B/s, as %s are still moving: re-run to wait for them and remove it'
                       % (params['throttle'], still)) if throttle else None
        else:
            removed = throttle_removal(params, all_topics, throttle)
            alter_configs(params, removed, 'IncrementalAlterConfigs removing the throttle')
            problem = None
    except (KafkaUnavailable, KafkaRefused) as exc:
        problem = 'removing the throttle failed (%s): re-run to remove it' % exc
    if failure is not None or problem:
        text = '; '.join(str(item) for item in (failure, problem) if item)
        raise KafkaRefused(text) if failure is None or isinstance(failure, KafkaRefused) else KafkaUnavailable(text)
    return progress['sent'], removed


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        brokers=dict(type='list', elements='int'),
        exclude_brokers=dict(type='list', elements='int', default=[]),
        topics=dict(type='list', elements='str'),
        throttle=dict(type='int', default=52428800),
        batch_size=dict(type='int', default=20),
        timeout=dict(type='float', default=600),
        min_insync_replicas=dict(type='int'),
        elect_leaders=dict(type='bool', default=True),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_together=KAFKA_COMMON_REQUIRED_TOGETHER, required_if=KAFKA_COMMON_REQUIRED_IF)
    check_kafka_python(module)
    params = module.params
    if params['batch_size'] < 1 or params['throttle'] < 0:
        module.fail_json(msg='batch_size must be 1 or more and throttle 0 or more (got %s and %s)'
                             % (params['batch_size'], params['throttle']))
    empty = dict(moves=[], replicas_moved=0, batches=0, throttle=0, throttles_removed=[], elected=[],
                 not_preferred=[], balance_before={}, balance_after={}, seconds=0.0)
    started = time.monotonic()
    progress = dict(sent=0)
    result = empty
    try:
        cluster = read_brokers(params)
        allowed, excluded = brokers_to_use(module, cluster)
        ongoing = ongoing_reassignments(params)
        if ongoing and not module.check_mode:
            left = wait_for(lambda: ongoing_reassignments(params), params['timeout'])
            if left:
                module.fail_json(msg='reassignments already in progress did not complete within %s s: %s'
                                     % (params['timeout'], left), **empty)
        shaped = read_assignment(params, params['topics'])
        # A partition being reassigned lists its old and new replicas at once: leave it out.
        moving = set(ongoing if module.check_mode else ongoing_reassignments(params) if ongoing else [])
        if moving:
            module.warn('left out of the plan, as they are being reassigned: %s' % sorted(moving))
        planned_assignment = dict((t, dict((p, r) for p, r in parts.items() if '%s-%s' % (t, p) not in moving))
                                  for t, parts in shaped['assignment'].items())
        racks = dict((b['broker_id'], b['rack']) for b in cluster['brokers'])
        plan = plan_reassignment(planned_assignment, allowed, racks=racks, exclude=excluded)
        # A replication factor above the brokers left cannot be planned; a spread within one that
        # racks prevent is the nearest the planner got, and is moved to, with a warning.
        hard = [problem for problem in plan['problems'] if ' has replication factor ' in problem]
        if hard:
            module.fail_json(msg='nothing was moved: %s. Add brokers (or lower those topics\' replication factor) '
                                 'first' % '; '.join(hard), **empty)
        for problem in plan['problems']:
            module.warn(problem)
        all_topics = sorted(read_assignment(params)['assignment']) if params['topics'] else sorted(shaped['assignment'])
        after = dict((t, dict(parts)) for t, parts in shaped['assignment'].items())
        for entry in plan['moves']:
            after[entry['topic']][entry['partition']] = entry['after']
        result = dict(empty, moves=plan['moves'], balance_before=keyed(balance_report(shaped['assignment'], allowed)),
                      balance_after=keyed(balance_report(after, allowed)),
                      replicas_moved=sum(len(m['moved']) for m in plan['moves']))
        if any(m['moved'] for m in plan['moves']):
            result['throttle'] = params['throttle']
        if module.check_mode:
            leftovers = throttles_set(params, all_topics)
            result['elected'] = ['%s-%s' % (t, p) for t in sorted(after) for p, replicas in sorted(after[t].items())
                                 if replicas and shaped['leaders'][t][p] != replicas[0]] if params['elect_leaders'] else []
            result['throttles_removed'] = ['%s/%s' % (name or 'cluster', c) for dummy, name, cs in leftovers for c in cs]
            changed = bool(plan['moves'] or leftovers or result['elected'])
        else:
            if plan['moves']:
                left = wait_for(lambda: in_sync_everywhere(params, excluded), params['timeout'])
                if left:
                    module.fail_json(msg='nothing moved: partitions are not in sync within %s s: %s'
                                         % (params['timeout'], left), **result)
            result['batches'], leftovers = move(module, plan, all_topics, excluded, progress)
            result['throttles_removed'] = ['%s/%s' % (name or 'cluster', c) for dummy, name, cs in leftovers for c in cs]
            if params['elect_leaders']:
                result['elected'], result['not_preferred'], failures = elect_until_preferred(
                    params, params['topics'], min(params['timeout'], 60))
                if result['not_preferred']:
                    module.warn('partitions still not led by their preferred replica: %s%s' % (
                        result['not_preferred'], ' (%s)' % '; '.join(failures) if failures else ''))
            changed = bool(plan['moves'] or leftovers or result['elected'])
    except (KafkaUnavailable, KafkaRefused) as exc:
        if progress['sent']:
            # Something moved: always a failure, never 'unchanged' (fail_on_unavailable=false).
            partial = dict(result)
            partial.update(batches=progress['sent'], changed=True)
            module.fail_json(msg='partition reassignment stopped after %d batch(es): %s: %s' % (
                progress['sent'], type(exc).__name__, exc), **partial)
        if isinstance(exc, KafkaUnavailable):
            fail_unavailable(module, 'partition reassignment', exc, empty)
        fail_refused(module, 'partition reassignment', exc, empty)

    result['seconds'] = round(time.monotonic() - started, 1)
    if module._diff:
        result['diff'] = dict(
            before=''.join('%s-%s: %s\n' % (m['topic'], m['partition'], m['before']) for m in plan['moves']),
            after=''.join('%s-%s: %s\n' % (m['topic'], m['partition'], m['after']) for m in plan['moves']))
    module.exit_json(changed=changed, **result)


if __name__ == '__main__':
    main()
