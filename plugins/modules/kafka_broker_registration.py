#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kafka_broker_registration
short_description: Remove the registration of a broker that was stopped for good
version_added: 0.3.0
description:
  - The last step of a decommission. A stopped broker stays registered (fenced) in the cluster
    metadata, listed by DescribeCluster and counted by tools, until it is unregistered
    (UnregisterBroker, KIP-631).
  - Refuses while the broker is unfenced (running), as it would register again at once. A broker
    that stopped moments ago is waited for, up to O(timeout) seconds, to be fenced.
  - Refuses while the broker still holds a replica of any partition, unless O(force).
  - A broker that is not registered is left as it is (changed false).
author:
  - kafkaops.kraft maintainers (@kafkaops)
extends_documentation_fragment:
  - kafkaops.kraft.connection
attributes:
  check_mode:
    description: Reports whether it would unregister.
    support: full
  diff_mode:
    description: No diff.
    support: none
options:
  broker_id:
    description: The broker's C(node.id).
    type: int
    required: true
  state:
    description: V(absent) is the only state; brokers register themselves when they start.
    type: str
    choices: [absent]
    default: absent
  timeout:
    description: Seconds to wait for the broker to be fenced.
    type: float
    default: 30
  force:
    description: Unregister even though the broker still holds replicas (they become unavailable).
    type: bool
    default: false
notes:
  - Connect through the other brokers. With authorization on, the principal needs Alter on the cluster.
seealso:
  - module: kafkaops.kraft.kafka_partition_reassignment
'''

EXAMPLES = r'''
- name: Unregister broker 3 after draining and stopping it
  kafkaops.kraft.kafka_broker_registration:
    bootstrap_servers: ["broker-1:9092", "broker-2:9092"]
    broker_id: 3
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
registered:
  description: Whether the broker is registered at the end (false after unregistering).
  type: bool
  returned: always
replicas:
  description: Partitions that still list the broker as a replica.
  type: list
  elements: str
  returned: always
'''

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
    read_assignment,
    read_brokers,
    unregister_broker,
    wait_for,
)


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(broker_id=dict(type='int', required=True),
                         state=dict(type='str', choices=['absent'], default='absent'),
                         timeout=dict(type='float', default=30), force=dict(type='bool', default=False))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_together=KAFKA_COMMON_REQUIRED_TOGETHER, required_if=KAFKA_COMMON_REQUIRED_IF)
    check_kafka_python(module)
    params = module.params
    broker = params['broker_id']
    empty = dict(registered=None, replicas=[])
    try:
        shaped = read_assignment(params)
        replicas = ['%s-%s' % (t, p) for t in sorted(shaped['assignment'])
                    for p, ids in sorted(shaped['assignment'][t].items()) if broker in ids]
        cluster = read_brokers(params)
        registered = broker in cluster['broker_ids']
        if replicas and not params['force']:
            module.fail_json(msg='broker %s still holds replicas of %d partition(s) (%s): drain it first '
                                 '(kafka_partition_reassignment with exclude_brokers: [%s]), or set force'
                                 % (broker, len(replicas), ', '.join(replicas[:10]), broker), registered=registered,
                             replicas=replicas)
        if not registered:
            module.exit_json(changed=False, registered=False, replicas=replicas)
        left = wait_for(lambda: [broker] if broker in read_brokers(params)['unfenced_broker_ids'] else [],
                        params['timeout'])
        if left:
            module.fail_json(msg='broker %s is still unfenced (running) after %s s: stop its kafka service first, '
                                 'or it registers again' % (broker, params['timeout']), registered=True,
                             replicas=replicas)
        changed = True if module.check_mode else unregister_broker(params, broker)
    except KafkaUnavailable as exc:
        fail_unavailable(module, 'broker registration', exc, empty)
    except KafkaRefused as exc:
        fail_refused(module, 'broker registration', exc, empty)
    module.exit_json(changed=changed, registered=False, replicas=replicas)


if __name__ == '__main__':
    main()
