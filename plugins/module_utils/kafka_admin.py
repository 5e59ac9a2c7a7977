# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the write modules (kafka_acl, kafka_scram_user, kafka_cluster_config, kafka_features, kraft_voter) share: their plans
(pure, unit-tested), reading the answers to their requests, and how they end when the cluster
cannot be reached or refuses."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import send_request
from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_protocol import (
    ACL_OPERATIONS,
    ACL_PATTERN_TYPES,
    ACL_PERMISSIONS,
    CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER,
    RESOURCE_TYPES,
    CONTROLLER_ID_NOT_REGISTERED,
    SCRAM_MECHANISMS,
    add_raft_voter_request,
    describe_error,
    remove_raft_voter_request,
    unregister_controller_request,
    response_error,
    transient_error,
    update_features_request,
)

# One ACL binding as the modules compare them: every field upper-cased except names.
ACL_FIELDS = ('principal', 'host', 'operation', 'permission', 'resource_type', 'resource_name', 'pattern_type')


class KafkaRefused(Exception):
    """The cluster answered, with an error code that asking again will not change (not
    authorized, invalid config, security disabled): the module fails whatever
    fail_on_unavailable says."""


def ask(params, request, step):
    """Send a request of a write module; return the response dict.

    Raises KafkaUnavailable when no address answers (a retriable error code counts as no answer,
    and the next address is tried) and KafkaRefused when the answer holds any other error code."""
    response = send_request(params, request, step, refusal=transient_error)
    problem = response_error(response)
    if problem:
        raise KafkaRefused('%s refused: %s' % (step, problem))
    return response


def add_raft_voter(params, voter_id, directory_id, listener, host, port):
    """AddRaftVoter to the quorum leader (the other controllers answer NOT_LEADER_OR_FOLLOWER, and a
    new voter not caught up yet REQUEST_TIMED_OUT: both retriable, see ask). Kafka's own deadline
    stays inside ours, so that its answer arrives rather than our timeout."""
    timeout_ms = int(params['request_timeout'] * 1000 / 2)
    return ask(params, add_raft_voter_request(params['cluster_id'], voter_id, directory_id, listener, host, port,
                                              timeout_ms), 'AddRaftVoter')


def remove_raft_voter(params, voter_id, directory_id):
    """RemoveRaftVoter to the quorum leader."""
    return ask(params, remove_raft_voter_request(params['cluster_id'], voter_id, directory_id), 'RemoveRaftVoter')


def unregister(params, request, step, not_registered_code):
    """Send an unregistration (UnregisterController, UnregisterBroker). True when the node was
    registered, False when Kafka answers not_registered_code (already unregistered); raises as
    ask()."""
    response = send_request(params, request, step, refusal=transient_error)
    if response.get('error_code') == not_registered_code:
        return False
    problem = response_error(response)
    if problem:
        raise KafkaRefused('%s refused: %s' % (step, problem))
    return True


def unregister_controller(params, controller_id):
    """UnregisterController (Kafka 4.4+): drop the registration of a controller that left the quorum."""
    return unregister(params, unregister_controller_request(controller_id), 'UnregisterController',
                      CONTROLLER_ID_NOT_REGISTERED)


def fail_unavailable(module, subject, exc, empty=None):
    """End a write module that could not reach or authenticate to the cluster (KafkaUnavailable):
    fail (the default), or with fail_on_unavailable=false report it unchanged. `empty`: the
    module's return values when nothing was done (default: no creations, no deletions)."""
    empty = dict(created=[], deleted=[]) if empty is None else empty
    if module.params['fail_on_unavailable']:
        module.fail_json(msg='%s could not be managed: %s: %s' % (subject, type(exc).__name__, exc),
                         exception=traceback.format_exc(), available=False, **empty)
    module.exit_json(changed=False, available=False, error='%s: %s' % (type(exc).__name__, exc), **empty)


def fail_refused(module, subject, exc, empty=None):
    """End a write module whose request the cluster refused (KafkaRefused): always a failure."""
    empty = dict(created=[], deleted=[]) if empty is None else empty
    module.fail_json(msg='%s could not be managed: %s' % (subject, exc), available=True, **empty)


_MAX_FEATURE_LEVEL = 32767  # levels are int16 on the wire


def _whole_number(level):
    if isinstance(level, bool):
        return None
    if isinstance(level, int):
        return level
    if isinstance(level, str) and level.strip().isdigit():
        return int(level)
    return None


def feature_levels(features):
    """Module input {name: level} -> {name: int level}; ValueError naming each level that is not
    a whole number from 0 to 32767 (templated values may arrive as strings of digits)."""
    levels, wrong = {}, []
    for name, level in sorted((features or {}).items()):
        number = _whole_number(level)
        if number is None or not 0 <= number <= _MAX_FEATURE_LEVEL:
            wrong.append('%s: %r' % (name, level))
        else:
            levels[name] = number
    if wrong:
        raise ValueError('levels must be whole numbers from 0 to %s (%s)' % (_MAX_FEATURE_LEVEL, ', '.join(wrong)))
    return levels


def _level(level):
    return '0 (not finalized)' if level is None else str(level)


def feature_plan(wanted, finalized, allow_downgrade):
    """{name: (before, after, upgrade type)} of the features to finalize at a new level.

    wanted: {name: level}; finalized: {name: level, or None when not finalized}. Only the features
    of `wanted` are looked at: one not named (kraft.version among them) is never moved, whatever
    the nodes support. A feature not finalized counts as level 0, as Kafka counts it. A raise is an
    UPGRADE; a lowering is a SAFE_DOWNGRADE (one Kafka refuses when it would lose metadata), and
    only with allow_downgrade: otherwise ValueError names each feature, its level and the one wanted.
    """
    plan, refused = {}, []
    for name, level in sorted(wanted.items()):
        before = finalized.get(name)
        current = before or 0
        if level == current:
            continue
        if level < current and not allow_downgrade:
            refused.append('%s is finalized at level %s and %s is wanted' % (name, current, level))
            continue
        plan[name] = (before, level, 'UPGRADE' if level > current else 'SAFE_DOWNGRADE')
    if refused:
        raise ValueError('lowering a finalized feature needs allow_downgrade=true: %s' % '; '.join(refused))
    return plan


def describe_feature_change(name, change):
    """'metadata.version from 25 to 27 (UPGRADE)', for results and failures."""
    before, after, upgrade = change
    return '%s from %s to %s (%s)' % (name, _level(before), after, upgrade)


def feature_update_refusals(response, plan):
    """UpdateFeatures response dict -> each refusal, naming the feature, its level and the one wanted.

    Up to version 1 Kafka answers per feature; from version 2 only once for the whole request
    (its message names the feature), and the refusal then names every feature of the request."""
    def change(name):
        return describe_feature_change(name, plan[name]) if name in plan else name

    refusals = []
    if response.get('error_code'):
        refusals.append('%s: %s' % (', '.join(change(name) for name in sorted(plan)),
                                    describe_error(response['error_code'], response.get('error_message'))))
    for result in response.get('results') or []:
        if result.get('error_code'):
            refusals.append('%s: %s' % (change(result['feature']),
                                        describe_error(result['error_code'], result.get('error_message'))))
    return refusals


def update_features(params, plan, validate_only):
    """Send UpdateFeatures for a feature_plan to the first bootstrap address that answers (a broker
    forwards it to the active controller; a controller listener that is not the active one answers
    NOT_CONTROLLER, and the next address is tried). With validate_only the controller only says
    whether it would accept the change.

    Raises KafkaUnavailable as ask() does, and KafkaRefused naming each feature refused."""
    # Kafka's own deadline for the change stays well inside ours, so that its answer (done, or
    # timed out) arrives rather than our timeout, which would leave the outcome unknown.
    timeout_ms = int(params['request_timeout'] * 1000 / 2)
    request = update_features_request(dict((name, (after, upgrade)) for name, (before, after, upgrade) in plan.items()),
                                      validate_only, timeout_ms)
    step = 'UpdateFeatures%s' % (' (validate only)' if validate_only else '')
    response = send_request(params, request, step, refusal=transient_error)
    refusals = feature_update_refusals(response, plan)
    if refusals:
        raise KafkaRefused('%s refused: %s' % (step, '; '.join(refusals)))
    return response


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

    users: [{name, password, state}]; existing: names of the users with a credential for the
    mechanism managed (scram_users). Returns (upserts, deletions) of names.
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


def _names(codes):
    return dict((code, name) for name, code in codes.items())


def acl_bindings(response):
    """DescribeAcls response dict -> every binding of the cluster, as sorted tuples of names."""
    resource_types, operations = _names(RESOURCE_TYPES), _names(ACL_OPERATIONS)
    permissions, pattern_types = _names(ACL_PERMISSIONS), _names(ACL_PATTERN_TYPES)
    bindings = set()
    for resource in response.get('resources') or []:
        for acl in resource.get('acls') or []:
            bindings.add((acl['principal'], acl['host'], operations.get(acl['operation'], 'UNKNOWN'),
                          permissions.get(acl['permission_type'], 'UNKNOWN'),
                          resource_types.get(resource['resource_type'], 'UNKNOWN'), resource['resource_name'],
                          pattern_types.get(resource['pattern_type'], 'UNKNOWN')))
    return sorted(bindings)


def binding_fields(binding):
    """Binding tuple -> {field: value}, the form kafka_protocol's ACL requests take."""
    return dict(zip(ACL_FIELDS, binding))


def scram_users(response, mechanism):
    """DescribeUserScramCredentials response dict -> sorted names of the users with a
    credential for `mechanism` (SCRAM-SHA-256 or SCRAM-SHA-512)."""
    code = SCRAM_MECHANISMS[mechanism]
    return sorted(result['user'] for result in response.get('results') or []
                  if any(info['mechanism'] == code for info in result.get('credential_infos') or []))


def dynamic_cluster_configs(response):
    """DescribeConfigs response dict -> {name: value} of the cluster-wide dynamic broker defaults
    (a broker's own file or Kafka's default do not count: the module holds the cluster-wide value)."""
    return dict((entry['name'], entry['value'])
                for result in response.get('results') or [] for entry in result.get('configs') or []
                if entry.get('config_source') == CONFIG_SOURCE_DYNAMIC_DEFAULT_BROKER)
