#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kafka_cluster_config
short_description: Set cluster-wide dynamic broker configs of a KRaft cluster
version_added: 0.2.0
description:
  - Reads the cluster-wide dynamic broker defaults (DescribeConfigs of the default broker
    resource, the one C(kafka-configs.sh --entity-type brokers --entity-default) shows), then sets
    those of O(configs) whose value differs (IncrementalAlterConfigs, SET). Configs it is not
    given are never touched.
  - A cluster-wide dynamic value overrides every broker's C(broker.properties). Kafka 4 with
    eligible leader replicas (KIP-966) writes one for C(min.insync.replicas) when the cluster is
    first formatted, from the active controller's own file; a controller without the setting
    leaves C(min.insync.replicas=1) for the whole cluster. The kafka_broker role uses this module
    to hold it at C(kafka_min_insync_replicas).
author:
  - kafkaops.kraft maintainers (@kafkaops)
extends_documentation_fragment:
  - kafkaops.kraft.connection
attributes:
  check_mode:
    description: Reports the configs it would set without setting them.
    support: full
  diff_mode:
    description: Shows the named configs before and after.
    support: full
options:
  configs:
    description:
      - Config name to value. Values are compared as Kafka keeps them (strings; booleans as
        V(true)/V(false)).
      - Only dynamically updatable cluster-wide broker configs are accepted by Kafka; it names
        the refused one otherwise.
    type: dict
    required: true
notes:
  - Connect through brokers (a controller listener does not serve DescribeConfigs for clients).
  - With authorization on, the principal needs DescribeConfigs and AlterConfigs on the cluster.
seealso:
  - module: kafkaops.kraft.kafka_broker_info
'''

EXAMPLES = r'''
- name: Hold min.insync.replicas at 2 for the whole cluster
  kafkaops.kraft.kafka_cluster_config:
    bootstrap_servers: ["broker-1:9092", "broker-2:9092"]
    configs:
      min.insync.replicas: 2
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
configs:
  description: The named configs as the cluster holds them after the run (or would, in check mode).
  type: dict
  returned: always
  sample: {"min.insync.replicas": "2"}
changes:
  description: The configs set, each with its value before (null when not set) and after.
  type: dict
  returned: always
  sample: {"min.insync.replicas": {"before": "1", "after": "2"}}
available:
  description: Whether the cluster answered.
  type: bool
  returned: always
error:
  description: Why the cluster could not be reached, with O(fail_on_unavailable=false).
  type: str
  returned: when the cluster did not answer
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_admin import (
    KafkaRefused,
    ask,
    config_plan,
    dynamic_cluster_configs,
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
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_protocol import (
    CONFIG_RESOURCE_BROKER,
    describe_configs_request,
    incremental_alter_configs_request,
)

CLUSTER_DEFAULT = ''  # the name of the BROKER resource that stands for every broker of the cluster


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(configs=dict(type='dict', required=True))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_together=KAFKA_COMMON_REQUIRED_TOGETHER, required_if=KAFKA_COMMON_REQUIRED_IF)
    check_kafka_python(module)
    params = module.params
    empty = dict(configs={}, changes={})
    names = sorted(params['configs'])
    try:
        current = dynamic_cluster_configs(ask(
            params, describe_configs_request(CONFIG_RESOURCE_BROKER, CLUSTER_DEFAULT, names),
            'DescribeConfigs'))
        plan = config_plan(params['configs'], current)
        if plan and not module.check_mode:
            ask(params, incremental_alter_configs_request(
                CONFIG_RESOURCE_BROKER, CLUSTER_DEFAULT, dict((name, after) for name, (before, after) in plan.items())),
                'IncrementalAlterConfigs of %s' % sorted(plan))
    except KafkaUnavailable as exc:
        fail_unavailable(module, 'cluster-wide broker configs', exc, empty)
    except KafkaRefused as exc:
        fail_refused(module, 'cluster-wide broker configs', exc, empty)

    after = dict((name, current.get(name)) for name in names)
    after.update((name, value) for name, (before, value) in plan.items())
    result = dict(changed=bool(plan), configs=after, available=True,
                  changes=dict((name, dict(before=before, after=value)) for name, (before, value) in plan.items()))
    if module._diff:
        result['diff'] = dict(before=''.join('%s=%s\n' % (n, current[n]) for n in names if current.get(n) is not None),
                              after=''.join('%s=%s\n' % (n, after[n]) for n in names if after.get(n) is not None))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
