import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_admin as ka


def test_expand_acls_one_binding_per_operation_and_cluster_default_name():
    bindings = ka.expand_acls([
        {'principal': 'User:app', 'resource_type': 'topic', 'resource_name': 'orders',
         'operations': ['write', 'describe'], 'permission': 'allow', 'host': '*', 'pattern_type': 'literal'},
        {'principal': 'User:app', 'resource_type': 'cluster', 'resource_name': None,
         'operations': ['idempotent_write'], 'permission': None, 'host': None, 'pattern_type': None},
    ])
    assert bindings == [
        ('User:app', '*', 'DESCRIBE', 'ALLOW', 'TOPIC', 'orders', 'LITERAL'),
        ('User:app', '*', 'IDEMPOTENT_WRITE', 'ALLOW', 'CLUSTER', 'kafka-cluster', 'LITERAL'),
        ('User:app', '*', 'WRITE', 'ALLOW', 'TOPIC', 'orders', 'LITERAL'),
    ]


def test_expand_acls_needs_a_name_except_for_the_cluster():
    with pytest.raises(ValueError, match='resource_name is required for resource_type TOPIC'):
        ka.expand_acls([{'principal': 'User:a', 'resource_type': 'topic', 'operations': ['read']}])


def test_acl_plan_creates_only_missing_and_deletes_only_named():
    a = ('User:a', '*', 'READ', 'ALLOW', 'TOPIC', 't', 'LITERAL')
    b = ('User:b', '*', 'READ', 'ALLOW', 'TOPIC', 't', 'LITERAL')
    other = ('User:c', '*', 'WRITE', 'ALLOW', 'TOPIC', 'x', 'LITERAL')
    assert ka.acl_plan([a, b], [a, other], 'present') == ([b], [])
    assert ka.acl_plan([a, b], [a, b, other], 'present') == ([], [])
    assert ka.acl_plan([a, b], [a, other], 'absent') == ([], [a])


def test_describe_binding():
    text = ka.describe_binding(('User:a', '*', 'READ', 'ALLOW', 'GROUP', 'g', 'PREFIXED'))
    assert text == 'ALLOW User:a from * READ on GROUP:PREFIXED:g'


def test_scram_plan_on_create_is_idempotent():
    users = [{'name': 'a', 'password': 'x'}, {'name': 'b', 'password': 'y'}, {'name': 'c', 'state': 'absent'}]
    assert ka.scram_plan(users, ['a', 'c'], 'on_create') == (['b'], ['c'])
    assert ka.scram_plan(users, ['a', 'b'], 'on_create') == ([], [])
    assert ka.scram_plan(users, ['a', 'b'], 'always') == (['a', 'b'], [])


def test_config_plan_sets_only_what_differs_and_never_touches_others():
    current = {'min.insync.replicas': '1', 'log.retention.ms': '1000', 'other': 'x'}
    assert ka.config_plan({'min.insync.replicas': 2, 'log.retention.ms': '1000'}, current) == {
        'min.insync.replicas': ('1', '2')}
    assert ka.config_plan({'min.insync.replicas': '2'}, {'min.insync.replicas': '2'}) == {}
    assert ka.config_plan({'unclean.leader.election.enable': False}, {}) == {
        'unclean.leader.election.enable': (None, 'false')}


def test_feature_plan_moves_only_the_named_features_that_differ():
    finalized = {'metadata.version': 25, 'group.version': 1}
    assert ka.feature_plan({'metadata.version': 27, 'group.version': 1, 'kraft.version': 0}, finalized, False) == {
        'metadata.version': (25, 27, 'UPGRADE')}
    assert ka.feature_plan({'kraft.version': 1}, finalized, False) == {'kraft.version': (None, 1, 'UPGRADE')}
    assert ka.feature_plan({}, finalized, False) == {}


def test_feature_plan_lowers_only_with_allow_downgrade_and_safely():
    finalized = {'metadata.version': 25, 'group.version': 1}
    with pytest.raises(ValueError, match='group.version is finalized at level 1 and 0 is wanted; metadata.version '
                                         'is finalized at level 25 and 21 is wanted'):
        ka.feature_plan({'metadata.version': 21, 'group.version': 0}, finalized, False)
    assert ka.feature_plan({'metadata.version': 21, 'group.version': 0}, finalized, True) == {
        'metadata.version': (25, 21, 'SAFE_DOWNGRADE'), 'group.version': (1, 0, 'SAFE_DOWNGRADE')}


def test_feature_update_refusals_name_the_feature():
    plan = {'metadata.version': (25, 27, 'UPGRADE'), 'kraft.version': (None, 1, 'UPGRADE')}
    assert ka.feature_update_refusals({'error_code': 0, 'results': [
        {'feature': 'kraft.version', 'error_code': 96, 'error_message': 'no'},
        {'feature': 'metadata.version', 'error_code': 0, 'error_message': None}]}, plan) == [
        'kraft.version from 0 (not finalized) to 1 (UPGRADE): error 96 (FEATURE_UPDATE_FAILED): no']
    # From version 2, one answer for the request.
    assert ka.feature_update_refusals({'error_code': 95, 'error_message': 'bad'}, plan) == [
        'kraft.version from 0 (not finalized) to 1 (UPGRADE), metadata.version from 25 to 27 (UPGRADE): '
        'error 95 (INVALID_UPDATE_VERSION): bad']
    assert ka.feature_update_refusals({'error_code': 0}, plan) == []


def test_feature_levels_takes_whole_numbers_only():
    assert ka.feature_levels({'metadata.version': 27, 'group.version': ' 1 '}) == {'metadata.version': 27, 'group.version': 1}
    with pytest.raises(ValueError, match=r"\(a: -1, b: 'x', c: 1.5, d: None\)"):
        ka.feature_levels({'a': -1, 'b': 'x', 'c': 1.5, 'd': None})
