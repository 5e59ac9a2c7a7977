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
'''

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_admin import (
    DYNAMIC_DEFAULT_BROKER_CONFIG,
    config_plan,
    fail_unavailable,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import connection_module, send_request

BROKER_RESOURCE = 4  # ConfigResourceType BROKER; the name '' is the cluster-wide default
SET = 0  # IncrementalAlterConfigs operation


def refused(results):
    """The first error of a DescribeConfigs / IncrementalAlterConfigs answer, or None."""
    for result in results:
        if result.get('error_code'):
            return 'error %s: %s' % (result['error_code'], result.get('error_message') or 'see the Kafka protocol error codes')
    return None


def main():
    module = connection_module(configs=dict(type='dict', required=True))
    params = module.params
    empty = dict(configs={}, changes={})
    try:
        from kafka.protocol.admin import DescribeConfigsRequest, IncrementalAlterConfigsRequest
        names = sorted(params['configs'])
        described = send_request(params, DescribeConfigsRequest(
            resources=[(BROKER_RESOURCE, '', names)], include_synonyms=False), 'DescribeConfigs')
        problem = refused(described.get('results', []))
        if problem:
            module.fail_json(msg='DescribeConfigs of the cluster-wide broker configs refused: %s' % problem,
                             available=True, **empty)
        current = dict((entry['name'], entry['value'])
                       for result in described['results'] for entry in result.get('configs') or []
                       if entry.get('config_source') == DYNAMIC_DEFAULT_BROKER_CONFIG)
        plan = config_plan(params['configs'], current)
        if plan and not module.check_mode:
            altered = send_request(params, IncrementalAlterConfigsRequest(
                resources=[(BROKER_RESOURCE, '', [(name, SET, after) for name, (before, after) in sorted(plan.items())])],
                validate_only=False), 'IncrementalAlterConfigs')
            problem = refused(altered.get('responses', []))
            if problem:
                module.fail_json(msg='IncrementalAlterConfigs of %s refused: %s' % (sorted(plan), problem),
                                 available=True, **empty)
    except Exception as exc:  # connection, authentication and authorization failures all land here
        fail_unavailable(module, 'cluster-wide broker configs', exc, empty)

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
