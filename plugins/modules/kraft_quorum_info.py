#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kraft_quorum_info
short_description: Report the KRaft controller quorum and assert that it is healthy
version_added: 0.1.0
description:
  - Sends DescribeQuorum (API key 55) for partition 0 of C(__cluster_metadata) over the Kafka
    protocol and returns the leader, its epoch, the high watermark, the voters and the
    observers with their lag behind the leader.
  - Talks to a controller listener directly (without the Metadata bootstrap that controllers do
    not serve) or to a broker, which forwards the request to the active controller.
  - With assertions (O(expected_voters), O(max_lag), O(not_leader)) and O(wait), polls until
    they hold and fails naming every node that does not, with the numbers seen.
  - Read-only; never reports a change; runs in check mode.
author:
  - kafkaops.kraft maintainers (@kafkaops)
extends_documentation_fragment:
  - kafkaops.kraft.connection
  - kafkaops.kraft.connection.read_only
options:
  wait:
    description: Seconds to keep asking until a leader is elected and every assertion holds.
    type: float
    default: 0
  expected_voters:
    description: Node IDs that must be exactly the quorum's voters.
    type: list
    elements: int
  max_lag:
    description: Largest lag, in offsets of the metadata log, any voter may have behind the leader.
    type: int
  not_leader:
    description: A node ID that must not be the leader, to wait for an election away from it.
    type: int
  registrations:
    description:
      - Also ask for the controllers registered in the metadata (DescribeCluster of the controller
        endpoints, Kafka 3.7+), returned as RV(registered_controller_ids). A controller removed from
        the quorum stays registered until it is unregistered.
    type: bool
    default: false
seealso:
  - module: kafkaops.kraft.kafka_broker_info
'''

EXAMPLES = r'''
- name: Wait up to 60 s for a leader and all three voters caught up
  kafkaops.kraft.kraft_quorum_info:
    bootstrap_servers: ["kraft-controller-1:9093"]
    wait: 60
    expected_voters: [1, 2, 3]
    max_lag: 10
  delegate_to: localhost
  run_once: true

- name: Wait for a new leader after stopping node 1
  kafkaops.kraft.kraft_quorum_info:
    bootstrap_servers: ["kraft-controller-2:9093", "kraft-controller-3:9093"]
    wait: 30
    not_leader: 1
  delegate_to: localhost

- name: Poll without failing, for until loops
  kafkaops.kraft.kraft_quorum_info:
    bootstrap_servers: ["broker-1:9092"]
    fail_on_unavailable: false
  register: quorum
  until: quorum.leader_id is not none
  retries: 10
  delay: 3
  delegate_to: localhost
'''

RETURN = r'''
available:
  description: Whether a node answered and every assertion held.
  type: bool
  returned: always
  sample: true
leader_id:
  description: Node ID of the active controller; null when no leader is elected.
  type: int
  returned: when a node answered
  sample: 1
mode:
  description:
    - C(dynamic) when every voter is known by node ID and directory ID (KIP-853, C(kraft.version) 1),
      C(static) when the voter set comes from C(controller.quorum.voters).
  type: str
  returned: when a node answered
  sample: dynamic
leader_epoch:
  description: Epoch of the current leader; it grows by at least one at each election.
  type: int
  returned: when a node answered
  sample: 4
high_watermark:
  description: Committed offset of the metadata log.
  type: int
  returned: when a node answered
  sample: 2310
voters:
  description: The quorum's voters.
  type: list
  elements: dict
  returned: when a node answered
  contains:
    replica_id:
      description: Node ID.
      type: int
    directory_id:
      description: Metadata directory ID (as in meta.properties), when the version reports it.
      type: str
    log_end_offset:
      description: Last offset the replica has fetched.
      type: int
    lag:
      description: Offsets the replica is behind the leader's log end.
      type: int
    last_fetch_timestamp:
      description: Epoch milliseconds of the replica's last fetch, as the leader saw it.
      type: int
    last_caught_up_timestamp:
      description: Epoch milliseconds of the last time the replica had caught up.
      type: int
    caught_up_ms_ago:
      description: Milliseconds since last_caught_up_timestamp, by this host's clock.
      type: int
  sample:
    - {replica_id: 1, directory_id: 8nE1X1zQKWRjFEA_E0QEyw, log_end_offset: 2310, lag: 0}
voter_ids:
  description: Sorted node IDs of the voters.
  type: list
  elements: int
  returned: when a node answered
  sample: [1, 2, 3]
observers:
  description: Replicas that follow the metadata log without voting (brokers), shaped as RV(voters).
  type: list
  elements: dict
  returned: when a node answered
observer_ids:
  description: Sorted node IDs of the observers, each once (a reformatted broker can be listed twice in RV(observers)).
  type: list
  elements: int
  returned: when a node answered
  sample: [4, 5, 6]
max_voter_lag:
  description: Largest lag of any voter, null when any voter's lag is unknown.
  type: int
  returned: when a node answered
  sample: 0
registered_controller_ids:
  description: Sorted node IDs of the controllers registered in the metadata, with O(registrations).
  type: list
  elements: int
  returned: with O(registrations), when a node answered
  sample: [1, 2, 3]
problems:
  description: The assertions that did not hold on the last attempt.
  type: list
  elements: str
  returned: always
  sample: ["voter 3 lags the leader by 120 offsets (max_lag 10)"]
error:
  description: Why no node answered, naming every address and the step that failed.
  type: str
  returned: when no node answered
attempts:
  description: How many times the quorum was asked.
  type: int
  returned: always
  sample: 1
'''

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import (
    KAFKA_COMMON_REQUIRED_IF,
    KAFKA_COMMON_REQUIRED_TOGETHER,
    check_kafka_python,
    describe_quorum,
    describe_registered_controllers,
    exit_with_facts,
    kafka_common_argument_spec,
    poll,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_state import (
    quorum_problems,
    shape_quorum,
)


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        wait=dict(type='float', default=0),
        expected_voters=dict(type='list', elements='int'),
        max_lag=dict(type='int'),
        not_leader=dict(type='int'),
        registrations=dict(type='bool', default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_together=KAFKA_COMMON_REQUIRED_TOGETHER, required_if=KAFKA_COMMON_REQUIRED_IF)
    check_kafka_python(module)
    params = module.params

    def collect():
        quorum = shape_quorum(describe_quorum(params), now_ms=int(time.time() * 1000))
        if params['registrations']:
            quorum['registered_controller_ids'] = describe_registered_controllers(params)
        return quorum, quorum_problems(quorum, expected_voters=params['expected_voters'],
                                       max_lag=params['max_lag'], not_leader=params['not_leader'])

    try:
        quorum, problems, error, attempts = poll(collect, params['wait'])
    except ValueError as exc:
        module.fail_json(msg='Unexpected DescribeQuorum answer: %s' % exc, changed=False)

    exit_with_facts(module, 'KRaft quorum', quorum, problems, error, attempts)


if __name__ == '__main__':
    main()
