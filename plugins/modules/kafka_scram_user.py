#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kafka_scram_user
short_description: Create, update or delete SASL/SCRAM users of a KRaft cluster
version_added: 0.2.0
description:
  - Reads which users have a credential for O(mechanism) (DescribeUserScramCredentials), then
    creates the missing ones, deletes those with O(users[].state=absent), and rewrites the
    password of existing ones only with O(update_password=always).
  - A broker keeps only a salted hash, so a password cannot be compared; with the default
    O(update_password=on_create) a re-run changes nothing.
  - Passwords are never logged or returned.
author:
  - kafkaops.kraft maintainers (@kafkaops)
extends_documentation_fragment:
  - kafkaops.kraft.connection
attributes:
  check_mode:
    description: Reports the users it would create, update or delete without changing them.
    support: full
  diff_mode:
    description: Shows the user names before and after (never a password).
    support: full
options:
  users:
    description: Users to manage.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: User name (the principal is C(User:<name>)).
        type: str
        required: true
      password:
        description: Password; required unless O(users[].state=absent).
        type: str
      state:
        description: Whether the user's credential must exist.
        type: str
        default: present
        choices: [present, absent]
  mechanism:
    description: SCRAM mechanism of the credentials.
    type: str
    default: SCRAM-SHA-512
    choices: [SCRAM-SHA-256, SCRAM-SHA-512]
  iterations:
    description: PBKDF2 iterations of new credentials (4096 to 16384, the range Kafka accepts).
    type: int
    default: 8192
  update_password:
    description: V(always) rewrites the password of existing users (always reports a change); V(on_create) only sets it for new users.
    type: str
    default: on_create
    choices: [always, on_create]
seealso:
  - module: kafkaops.kraft.kafka_acl
'''

EXAMPLES = r'''
- name: Create the application users
  kafkaops.kraft.kafka_scram_user:
    bootstrap_servers: ["broker-1:9092"]
    security_protocol: SASL_SSL
    ssl_cafile: /etc/pki/kafka/ca.pem
    sasl_mechanism: SCRAM-SHA-512
    sasl_username: admin
    sasl_password: "{{ vault_kafka_admin_password }}"
    users:
      - name: orders-app
        password: "{{ vault_orders_app_password }}"
  delegate_to: localhost
  run_once: true
  no_log: true
'''

RETURN = r'''
created:
  description: Users created, or whose password was rewritten (or would be, in check mode).
  type: list
  elements: str
  returned: always
deleted:
  description: Users whose credential was deleted (or would be).
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
    ask,
    fail_refused,
    fail_unavailable,
    scram_plan,
    scram_users,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import (
    KAFKA_COMMON_REQUIRED_IF,
    KAFKA_COMMON_REQUIRED_TOGETHER,
    KafkaUnavailable,
    check_kafka_python,
    kafka_common_argument_spec,
)
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_protocol import alter_scram_request, describe_scram_request


def main():
    argument_spec = kafka_common_argument_spec()
    argument_spec.update(
        users=dict(type='list', elements='dict', required=True, options=dict(
            name=dict(type='str', required=True),
            password=dict(type='str', no_log=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ), required_if=[('state', 'present', ['password'])]),
        mechanism=dict(type='str', default='SCRAM-SHA-512', choices=['SCRAM-SHA-256', 'SCRAM-SHA-512']),
        iterations=dict(type='int', default=8192),
        update_password=dict(type='str', default='on_create', choices=['always', 'on_create']),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_together=KAFKA_COMMON_REQUIRED_TOGETHER, required_if=KAFKA_COMMON_REQUIRED_IF)
    check_kafka_python(module)
    params = module.params
    if not 4096 <= params['iterations'] <= 16384:
        module.fail_json(msg='iterations must be 4096 to 16384 (Kafka refuses others), got %s' % params['iterations'])

    try:
        existing = scram_users(ask(params, describe_scram_request(), 'DescribeUserScramCredentials'),
                               params['mechanism'])
        upserts, deletions = scram_plan(params['users'], existing, params['update_password'])
        if not module.check_mode and (upserts or deletions):
            passwords = dict((u['name'], u['password']) for u in params['users'])
            ask(params, alter_scram_request(params['mechanism'], [(name, passwords[name]) for name in upserts],
                                            deletions, params['iterations']),
                'AlterUserScramCredentials of %s' % ', '.join(upserts + deletions))
    except KafkaUnavailable as exc:
        fail_unavailable(module, 'SCRAM users', exc)
    except KafkaRefused as exc:
        fail_refused(module, 'SCRAM users', exc)

    result = dict(changed=bool(upserts or deletions), created=upserts, deleted=deletions, available=True)
    if module._diff:
        after = sorted((set(existing) | set(upserts)) - set(deletions))
        result['diff'] = dict(before=''.join(name + '\n' for name in existing),
                              after=''.join(name + '\n' for name in after))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
