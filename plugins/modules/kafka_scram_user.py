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
    description: PBKDF2 iterations of new credentials (4096 or more).
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
'''

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_admin import admin_client, fail_unavailable, scram_plan
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import connection_module


def main():
    module = connection_module(
        users=dict(type='list', elements='dict', required=True, options=dict(
            name=dict(type='str', required=True),
            password=dict(type='str', no_log=True),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ), required_if=[('state', 'present', ['password'])]),
        mechanism=dict(type='str', default='SCRAM-SHA-512', choices=['SCRAM-SHA-256', 'SCRAM-SHA-512']),
        iterations=dict(type='int', default=8192),
        update_password=dict(type='str', default='on_create', choices=['always', 'on_create']),
    )
    params = module.params
    if params['iterations'] < 4096:
        module.fail_json(msg='iterations must be 4096 or more (Kafka refuses fewer), got %s' % params['iterations'])
    mechanism_name = params['mechanism'].replace('-', '_')

    admin = None
    try:
        from kafka.admin import ScramMechanism, UserScramCredentialDeletion, UserScramCredentialUpsertion
        mechanism = ScramMechanism[mechanism_name]
        admin = admin_client(params)
        described = admin.describe_user_scram_credentials()
        existing = sorted(name for name, info in described.items()
                          if any(getattr(c['mechanism'], 'name', c['mechanism']) == mechanism_name
                                 for c in info.get('credential_infos') or []))
        upserts, deletions = scram_plan(params['users'], existing, params['update_password'])
        if not module.check_mode and (upserts or deletions):
            passwords = dict((u['name'], u['password']) for u in params['users'])
            changes = [UserScramCredentialUpsertion(name, mechanism, passwords[name], iterations=params['iterations'])
                       for name in upserts]
            changes += [UserScramCredentialDeletion(name, mechanism) for name in deletions]
            errors = dict((name, error) for name, error in admin.alter_user_scram_credentials(changes).items() if error)
            if errors:
                module.fail_json(msg='AlterUserScramCredentials refused: %s' % errors,
                                 created=[], deleted=[], available=True)
    except Exception as exc:  # connection, authentication and authorization failures all land here
        fail_unavailable(module, 'SCRAM users', exc)
    finally:
        if admin is not None:
            admin.close()

    result = dict(changed=bool(upserts or deletions), created=upserts, deleted=deletions, available=True)
    if module._diff:
        after = sorted((set(existing) | set(upserts)) - set(deletions))
        result['diff'] = dict(before=''.join(name + '\n' for name in existing),
                              after=''.join(name + '\n' for name in after))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
