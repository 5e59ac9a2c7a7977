#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kafka_acl
short_description: Make Kafka ACL bindings present or absent (StandardAuthorizer)
version_added: 0.2.0
description:
  - Reads every ACL binding of the cluster (DescribeAcls), then creates the bindings of O(acls)
    that are missing (O(state=present)) or deletes those that exist (O(state=absent)).
  - Bindings the input does not name are never touched. Reports C(changed) only when a
    binding was (or, in check mode, would be) created or deleted.
  - Needs a principal allowed to alter the cluster's ACLs (a super user, for example).
author:
  - kafkaops.kraft maintainers (@kafkaops)
extends_documentation_fragment:
  - kafkaops.kraft.connection
attributes:
  check_mode:
    description: Reports the bindings it would create or delete without changing them.
    support: full
  diff_mode:
    description: Shows the bindings before and after, one per line.
    support: full
options:
  acls:
    description: ACL entries; each expands to one binding per operation.
    type: list
    elements: dict
    required: true
    suboptions:
      principal:
        description: Principal, such as C(User:orders-app).
        type: str
        required: true
      resource_type:
        description: Kind of resource.
        type: str
        required: true
        choices: [topic, group, cluster, transactional_id, delegation_token, user]
      resource_name:
        description: Resource name (or prefix with O(acls[].pattern_type=prefixed)); V(kafka-cluster) for the cluster.
        type: str
      pattern_type:
        description: Whether O(acls[].resource_name) is a literal name or a prefix.
        type: str
        default: literal
        choices: [literal, prefixed]
      operations:
        description: Operations granted (or denied).
        type: list
        elements: str
        required: true
        choices: [all, read, write, create, delete, alter, describe, cluster_action, describe_configs,
                  alter_configs, idempotent_write, create_tokens, describe_tokens]
      permission:
        description: Allow or deny.
        type: str
        default: allow
        choices: [allow, deny]
      host:
        description: Client host the binding applies to; V(*) for any.
        type: str
        default: '*'
  state:
    description: Whether the bindings must exist or not.
    type: str
    default: present
    choices: [present, absent]
seealso:
  - module: kafkaops.kraft.kafka_scram_user
'''

EXAMPLES = r'''
- name: Let orders-app write to the orders topics and read as its consumer group
  kafkaops.kraft.kafka_acl:
    bootstrap_servers: ["broker-1:9092"]
    security_protocol: SASL_SSL
    ssl_cafile: /etc/pki/kafka/ca.pem
    sasl_mechanism: SCRAM-SHA-512
    sasl_username: admin
    sasl_password: "{{ vault_kafka_admin_password }}"
    acls:
      - principal: User:orders-app
        resource_type: topic
        resource_name: orders.
        pattern_type: prefixed
        operations: [write, describe]
      - principal: User:orders-app
        resource_type: group
        resource_name: orders-app
        operations: [read]
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
created:
  description: Bindings created (or that would be in check mode), one readable line each.
  type: list
  elements: str
  returned: always
deleted:
  description: Bindings deleted (or that would be in check mode).
  type: list
  elements: str
  returned: always
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
    acl_bindings,
    acl_plan,
    ask,
    binding_fields,
    describe_binding,
    expand_acls,
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
    create_acls_request,
    delete_acls_request,
    describe_acls_request,
)


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        acls=dict(type='list', elements='dict', required=True, options=dict(
            principal=dict(type='str', required=True),
            resource_type=dict(type='str', required=True,
                               choices=['topic', 'group', 'cluster', 'transactional_id', 'delegation_token', 'user']),
            resource_name=dict(type='str'),
            pattern_type=dict(type='str', default='literal', choices=['literal', 'prefixed']),
            operations=dict(type='list', elements='str', required=True,
                            choices=['all', 'read', 'write', 'create', 'delete', 'alter', 'describe', 'cluster_action',
                                     'describe_configs', 'alter_configs', 'idempotent_write', 'create_tokens',
                                     'describe_tokens']),
            permission=dict(type='str', default='allow', choices=['allow', 'deny']),
            host=dict(type='str', default='*'),
        )),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_together=KAFKA_COMMON_REQUIRED_TOGETHER, required_if=KAFKA_COMMON_REQUIRED_IF)
    check_kafka_python(module)
    params = module.params
    try:
        wanted = expand_acls(params['acls'])
    except ValueError as exc:
        module.fail_json(msg='acls: %s' % exc)

    try:
        existing = acl_bindings(ask(params, describe_acls_request(), 'DescribeAcls'))
        to_create, to_delete = acl_plan(wanted, existing, params['state'])
        if not module.check_mode:
            if to_create:
                ask(params, create_acls_request([binding_fields(b) for b in to_create]),
                    'CreateAcls of %d binding(s)' % len(to_create))
            if to_delete:
                ask(params, delete_acls_request([binding_fields(b) for b in to_delete]),
                    'DeleteAcls of %d binding(s)' % len(to_delete))
    except KafkaUnavailable as exc:
        fail_unavailable(module, 'Kafka ACLs', exc)
    except KafkaRefused as exc:
        fail_refused(module, 'Kafka ACLs', exc)

    after = sorted((set(existing) | set(to_create)) - set(to_delete))
    result = dict(changed=bool(to_create or to_delete), available=True,
                  created=[describe_binding(b) for b in to_create],
                  deleted=[describe_binding(b) for b in to_delete])
    if module._diff:
        result['diff'] = dict(before=''.join(describe_binding(b) + '\n' for b in existing),
                              after=''.join(describe_binding(b) + '\n' for b in after))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
