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
