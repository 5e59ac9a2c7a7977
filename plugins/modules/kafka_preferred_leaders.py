#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kafka_preferred_leaders
short_description: Give every partition's leadership back to its preferred replica
version_added: 0.3.0
description:
  - After a rolling restart, leadership piles up on the brokers that restarted first. This
    module reads every partition's leader (Metadata) and elects the preferred replica (the first
    of the replica list) wherever another one leads and the preferred one is in sync
    (ElectLeaders, preferred election).
  - A preferred replica still catching up after a restart is waited for, up to O(timeout)
    seconds; what is still not led by its preferred replica then is returned and warned about,
    never a failure (the data is safe either way).
author:
  - kafkaops.kraft maintainers (@kafkaops)
extends_documentation_fragment:
  - kafkaops.kraft.connection
attributes:
  check_mode:
    description: Lists the partitions it would elect.
    support: full
  diff_mode:
    description: No diff; the elected partitions are returned.
    support: none
options:
  topics:
    description: Only these topics. Default every topic.
    type: list
    elements: str
  timeout:
    description: Seconds to wait for preferred replicas to be in sync and elected.
    type: float
    default: 60
notes:
  - Connect through brokers. With authorization on, the principal needs Alter on the cluster.
seealso:
  - module: kafkaops.kraft.kafka_partition_reassignment
'''

EXAMPLES = r'''
- name: Balance leadership after a roll
  kafkaops.kraft.kafka_preferred_leaders:
    bootstrap_servers: ["broker-1:9092", "broker-2:9092"]
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
elected:
  description: Partitions whose preferred replica was elected (or would be, in check mode).
  type: list
  elements: str
  returned: always
  sample: ["orders-0", "orders-3"]
not_preferred:
  description: Partitions still led by another replica at the end.
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
    elect_until_preferred,
    election_plan,
    not_preferred,
    partition_names,
    read_assignment,
)


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(topics=dict(type='list', elements='str'), timeout=dict(type='float', default=60))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_together=KAFKA_COMMON_REQUIRED_TOGETHER, required_if=KAFKA_COMMON_REQUIRED_IF)
    check_kafka_python(module)
    params = module.params
    empty = dict(elected=[], not_preferred=[])
    try:
        if module.check_mode:
            shaped = read_assignment(params, params['topics'])
            result = dict(elected=partition_names(election_plan(shaped)), not_preferred=not_preferred(shaped))
        else:
            elected, left, failures = elect_until_preferred(params, params['topics'], params['timeout'])
            result = dict(elected=elected, not_preferred=left)
            if left:
                module.warn('partitions still not led by their preferred replica after %s s: %s%s' % (
                    params['timeout'], left, ' (%s)' % '; '.join(failures) if failures else ''))
    except KafkaUnavailable as exc:
        fail_unavailable(module, 'preferred leaders', exc, empty)
    except KafkaRefused as exc:
        fail_refused(module, 'preferred leaders', exc, empty)
    module.exit_json(changed=bool(result['elected']), **result)


if __name__ == '__main__':
    main()
