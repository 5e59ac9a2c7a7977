#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kafka_broker_info
short_description: Report the brokers registered with the KRaft controllers and assert they are healthy
version_added: 0.1.0
description:
  - Sends DescribeCluster (API key 60, fenced brokers included) to a broker and returns the
    cluster ID, the active controller and every registered broker with its fenced state.
  - Cross-checks with DescribeQuorum which brokers follow the metadata log as observers, and,
    with O(partitions), reads topic metadata for under-replicated and offline partitions.
  - With assertions and O(wait), polls until they hold and fails naming each broker that is
    missing, fenced or not following the metadata log.
  - Read-only; never reports a change; runs in check mode.
author:
  - kafkaops.kraft maintainers (@kafkaops)
extends_documentation_fragment:
  - kafkaops.kraft.connection
  - kafkaops.kraft.connection.read_only
options:
  wait:
    description: Seconds to keep asking until every assertion holds.
    type: float
    default: 0
  expected_brokers:
    description: Broker node IDs that must be registered, unfenced and following the metadata log.
    type: list
    elements: int
  cluster_id:
    description: Cluster ID the brokers must report.
    type: str
  partitions:
    description: Also report partition health (and assert O(max_under_replicated)).
    type: bool
    default: false
  max_under_replicated:
    description:
      - Largest number of under-replicated or offline partitions allowed; implies O(partitions).
      - V(0) is the gate before restarting a broker.
    type: int
seealso:
  - module: kafkaops.kraft.kraft_quorum_info
'''

EXAMPLES = r'''
- name: Wait until the three brokers are registered and unfenced
  kafkaops.kraft.kafka_broker_info:
    bootstrap_servers: ["broker-1:9092", "broker-2:9092"]
    expected_brokers: [4, 5, 6]
    wait: 120
  delegate_to: localhost
  run_once: true

- name: Gate before a broker restart - no partition may be short of replicas
  kafkaops.kraft.kafka_broker_info:
    bootstrap_servers: ["broker-1:9092"]
    max_under_replicated: 0
    wait: 300
  delegate_to: localhost
'''

RETURN = r'''
available:
  description: Whether a broker answered and every assertion held.
  type: bool
  returned: always
  sample: true
cluster_id:
  description: The cluster ID the brokers report.
  type: str
  returned: when a broker answered
  sample: rWv8QX9zTW67DOWKpX0XiA
controller_id:
  description: Node ID the broker reports as controller (in KRaft, a broker ID chosen at random for admin requests).
  type: int
  returned: when a broker answered
brokers:
  description: Registered brokers.
  type: list
  elements: dict
  returned: when a broker answered
  contains:
    broker_id:
      description: Node ID.
      type: int
    host:
      description: Advertised host.
      type: str
    port:
      description: Advertised port.
      type: int
    rack:
      description: Rack, if configured.
      type: str
    fenced:
      description: Whether the controller has fenced the broker (it missed heartbeats or is starting).
      type: bool
  sample:
    - {broker_id: 4, host: broker-1, port: 9092, rack: null, fenced: false}
broker_ids:
  description: Sorted IDs of the registered brokers, fenced or not.
  type: list
  elements: int
  returned: when a broker answered
  sample: [4, 5, 6]
unfenced_broker_ids:
  description: Sorted IDs of the registered brokers that are not fenced.
  type: list
  elements: int
  returned: when a broker answered
fenced_broker_ids:
  description: Sorted IDs of fenced brokers.
  type: list
  elements: int
  returned: when a broker answered
metadata_followers:
  description: Broker IDs that follow the metadata log (observers of the quorum), each once.
  type: list
  elements: int
  returned: when a broker answered
partition_count:
  description: Number of partitions of all topics.
  type: int
  returned: with O(partitions)
under_replicated_partitions:
  description: Partitions (topic-index) whose ISR is smaller than their replica set.
  type: list
  elements: str
  returned: with O(partitions)
offline_partitions:
  description: Partitions without a live leader.
  type: list
  elements: str
  returned: with O(partitions)
problems:
  description: The assertions that did not hold on the last attempt.
  type: list
  elements: str
  returned: always
  sample: ["broker 6 is registered but fenced"]
error:
  description: Why no broker answered, naming every address and the step that failed.
  type: str
  returned: when no broker answered
attempts:
  description: How many times the cluster was asked.
  type: int
  returned: always
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import (
    KAFKA_COMMON_REQUIRED_IF,
    KAFKA_COMMON_REQUIRED_TOGETHER,
    check_kafka_python,
    describe_cluster,
    describe_quorum,
    describe_topics,
    exit_with_facts,
    kafka_common_argument_spec,
    poll,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_state import (
    broker_problems,
    shape_cluster,
    shape_partitions,
    shape_quorum,
)


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        wait=dict(type='float', default=0),
        expected_brokers=dict(type='list', elements='int'),
        cluster_id=dict(type='str'),
        partitions=dict(type='bool', default=False),
        max_under_replicated=dict(type='int'),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_together=KAFKA_COMMON_REQUIRED_TOGETHER, required_if=KAFKA_COMMON_REQUIRED_IF)
    check_kafka_python(module)
    params = module.params
    with_partitions = params['partitions'] or params['max_under_replicated'] is not None

    def collect():
        facts = shape_cluster(describe_cluster(params))
        quorum = shape_quorum(describe_quorum(params))
        facts['metadata_followers'] = quorum['observer_ids']
        problems = broker_problems(facts, expected_brokers=params['expected_brokers'],
                                   cluster_id=params['cluster_id'], quorum=quorum)
        if with_partitions:
            facts.update(shape_partitions(describe_topics(params)))
            short = facts['under_replicated_partitions'] + [
                p for p in facts['offline_partitions'] if p not in facts['under_replicated_partitions']]
            limit = params['max_under_replicated']
            if limit is not None and len(short) > limit:
                problems.append('%s partitions are under-replicated or offline (max %s): %s'
                                % (len(short), limit, ', '.join(short[:10])))
        return facts, problems

    try:
        facts, problems, error, attempts = poll(collect, params['wait'])
    except ValueError as exc:
        module.fail_json(msg='Unexpected answer from the cluster: %s' % exc, changed=False)

    exit_with_facts(module, 'Kafka brokers', facts, problems, error, attempts)


if __name__ == '__main__':
    main()
