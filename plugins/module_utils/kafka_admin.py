# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the write modules (kafka_acl, kafka_scram_user, kafka_cluster_config) share: their plans
(pure, unit-tested), the kafka-python admin client built from the collection's connection
options, and how they end when the cluster cannot be reached."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import client_config

RESOURCE_TYPES = ['TOPIC', 'GROUP', 'CLUSTER', 'TRANSACTIONAL_ID', 'DELEGATION_TOKEN', 'USER']
OPERATIONS = ['ALL', 'READ', 'WRITE', 'CREATE', 'DELETE', 'ALTER', 'DESCRIBE', 'CLUSTER_ACTION',
              'DESCRIBE_CONFIGS', 'ALTER_CONFIGS', 'IDEMPOTENT_WRITE', 'CREATE_TOKENS', 'DESCRIBE_TOKENS']
PATTERN_TYPES = ['LITERAL', 'PREFIXED']
PERMISSIONS = ['ALLOW', 'DENY']

# One ACL binding as the modules compare them: every field upper-cased except names.
ACL_FIELDS = ('principal', 'host', 'operation', 'permission', 'resource_type', 'resource_name', 'pattern_type')


def admin_client(params):
    """A KafkaAdminClient for the module's connection options (imported late: optional library)."""
    from kafka.admin import KafkaAdminClient
    config = client_config(params)
    # The admin client takes the connection options but not the per-connection setup timeouts.
    for option in ('client_id', 'socket_connection_setup_timeout_ms', 'socket_connection_setup_timeout_max_ms'):
        config.pop(option, None)
    return KafkaAdminClient(bootstrap_servers=params['bootstrap_servers'], client_id='kafkaops.kraft', **config)


def fail_unavailable(module, subject, exc, empty=None):
    """End a write module that could not reach, authenticate to or be authorized by the cluster:
    fail (the default), or with fail_on_unavailable=false report it unchanged. `empty`: the
    module's return values when nothing was done (default: no creations, no deletions)."""
    import traceback
    empty = dict(created=[], deleted=[]) if empty is None else empty
    if module.params['fail_on_unavailable']:
        module.fail_json(msg='%s could not be managed: %s: %s' % (subject, type(exc).__name__, exc),
                         exception=traceback.format_exc(), available=False, **empty)
    module.exit_json(changed=False, available=False, error='%s: %s' % (type(exc).__name__, exc), **empty)


# ConfigSource of DescribeConfigs: a value set for every broker of the cluster at once.
DYNAMIC_DEFAULT_BROKER_CONFIG = 3


def config_value(value):
    """Module input -> the string Kafka keeps (booleans lower-case, numbers as written)."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value)


def config_plan(wanted, current):
    """{name: (before, after)} of the cluster-wide configs to set so `current` holds `wanted`.

    wanted: {name: value}; current: {name: value} of the dynamic cluster defaults. Configs the
    input does not name are never touched; `before` is None for a config not set yet."""
    plan = {}
    for name, value in sorted(wanted.items()):
        value = config_value(value)
        if current.get(name) != value:
            plan[name] = (current.get(name), value)
    return plan


def expand_acls(entries):
    """Module input (one entry may list several operations) -> sorted unique binding tuples."""
    bindings = set()
    for entry in entries:
        resource_type = entry['resource_type'].upper()
        name = entry.get('resource_name') or ('kafka-cluster' if resource_type == 'CLUSTER' else None)
        if not name:
            raise ValueError('resource_name is required for resource_type %s' % resource_type)
        for operation in entry['operations']:
            bindings.add((entry['principal'], entry.get('host') or '*', operation.upper(),
                          (entry.get('permission') or 'ALLOW').upper(), resource_type, name,
                          (entry.get('pattern_type') or 'LITERAL').upper()))
    return sorted(bindings)


def acl_plan(wanted, existing, state):
    """(to_create, to_delete) binding tuples so that `wanted` is present (or absent) in `existing`.

    Bindings in the cluster that the input does not name are never touched."""
    wanted, existing = set(wanted), set(existing)
    if state == 'present':
        return sorted(wanted - existing), []
    return [], sorted(wanted & existing)


def describe_binding(binding):
    """Readable one-line form of a binding, for results and diffs."""
    values = dict(zip(ACL_FIELDS, binding))
    return '%(permission)s %(principal)s from %(host)s %(operation)s on %(resource_type)s:%(pattern_type)s:%(resource_name)s' % values


def scram_plan(users, existing, update_password):
    """Which SCRAM credentials to upsert and delete.

    users: [{name, password, state}]; existing: {name: [mechanism names]} from
    DescribeUserScramCredentials; mechanism: the one managed. Returns (upserts, deletions) of names.
    A password cannot be read back (the broker keeps only a salted hash), so an existing
    credential is rewritten only with update_password=always.
    """
    upserts, deletions = [], []
    for user in users:
        present = user['name'] in existing
        if user.get('state', 'present') == 'absent':
            if present:
                deletions.append(user['name'])
        elif not present or update_password == 'always':
            upserts.append(user['name'])
    return upserts, deletions


def binding_to_acl(binding):
    from kafka.admin import ACL, ACLOperation, ACLPermissionType, ACLResourcePatternType, ResourcePattern, ResourceType
    values = dict(zip(ACL_FIELDS, binding))
    return ACL(principal=values['principal'], host=values['host'],
               operation=ACLOperation[values['operation']],
               permission_type=ACLPermissionType[values['permission']],
               resource_pattern=ResourcePattern(ResourceType[values['resource_type']], values['resource_name'],
                                                ACLResourcePatternType[values['pattern_type']]))


def acl_to_binding(acl):
    pattern = acl.resource_pattern
    return (acl.principal, acl.host, acl.operation.name, acl.permission_type.name,
            pattern.resource_type.name, pattern.resource_name, pattern.pattern_type.name)


def describe_all_acls(admin):
    """Every ACL binding of the cluster, as tuples."""
    from kafka.admin import (ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType,
                             ResourcePatternFilter, ResourceType)
    everything = ACLFilter(principal=None, host=None, operation=ACLOperation.ANY,
                           permission_type=ACLPermissionType.ANY,
                           resource_pattern=ResourcePatternFilter(ResourceType.ANY, None, ACLResourcePatternType.ANY))
    acls, error = admin.describe_acls(everything)
    if error is not None and getattr(error, 'errno', 0):
        raise RuntimeError('DescribeAcls failed: %s' % (error,))
    return sorted(acl_to_binding(acl) for acl in acls)
