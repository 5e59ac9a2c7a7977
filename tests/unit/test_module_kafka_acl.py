"""kafka_acl's main() against a fake cluster (see module_harness)."""
import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable
from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_protocol as kp
from ansible_collections.kafkaops.kraft.plugins.modules import kafka_acl
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    CONNECTION,
    acls_response,
    create_acls_response,
    delete_acls_response,
    run_module,
)

WRITE = ('User:app', '*', 'WRITE', 'ALLOW', 'TOPIC', 'orders.', 'PREFIXED')
DESCRIBE = ('User:app', '*', 'DESCRIBE', 'ALLOW', 'TOPIC', 'orders.', 'PREFIXED')
OTHER = ('User:ops', '*', 'READ', 'ALLOW', 'GROUP', 'ops', 'LITERAL')
ENTRY = dict(principal='User:app', resource_type='topic', resource_name='orders.', pattern_type='prefixed',
             operations=['write', 'describe'])
LINES = dict(write='ALLOW User:app from * WRITE on TOPIC:PREFIXED:orders.',
             describe='ALLOW User:app from * DESCRIBE on TOPIC:PREFIXED:orders.',
             other='ALLOW User:ops from * READ on GROUP:LITERAL:ops')


def test_check_mode_reports_the_missing_bindings_and_creates_nothing(kafka):
    kafka.answer('DescribeAclsRequest', acls_response([DESCRIBE, OTHER]))
    result = run_module(kafka_acl, dict(CONNECTION, acls=[ENTRY]), check_mode=True, diff=True)
    assert not result['failed'] and result['changed'] is True and result['available'] is True
    assert result['created'] == [LINES['write']] and result['deleted'] == []
    assert kafka.requests('CreateAclsRequest') == [] and len(kafka.sent) == 1
    assert result['diff'] == dict(before=LINES['describe'] + '\n' + LINES['other'] + '\n',
                                  after=LINES['describe'] + '\n' + LINES['write'] + '\n' + LINES['other'] + '\n')


def test_creates_only_the_missing_binding(kafka):
    kafka.answer('DescribeAclsRequest', acls_response([DESCRIBE]))
    kafka.answer('CreateAclsRequest', lambda address, request: create_acls_response(request))
    result = run_module(kafka_acl, dict(CONNECTION, acls=[ENTRY]))
    assert not result['failed'] and result['changed'] is True and result['created'] == [LINES['write']]
    [request] = kafka.requests('CreateAclsRequest')
    assert request.to_dict()['creations'] == [dict(
        resource_type=kp.RESOURCE_TYPES['TOPIC'], resource_name='orders.', resource_pattern_type=kp.ACL_PATTERN_TYPES['PREFIXED'],
        principal='User:app', host='*', operation=kp.ACL_OPERATIONS['WRITE'], permission_type=kp.ACL_PERMISSIONS['ALLOW'])]


def test_present_bindings_change_nothing(kafka):
    kafka.answer('DescribeAclsRequest', acls_response([WRITE, DESCRIBE, OTHER]))
    result = run_module(kafka_acl, dict(CONNECTION, acls=[ENTRY]))
    assert not result['failed'] and result['changed'] is False and result['created'] == result['deleted'] == []
    assert [type(request).__name__ for request in kafka.requests()] == ['DescribeAclsRequest']


def test_absent_deletes_only_the_named_bindings_that_exist(kafka):
    kafka.answer('DescribeAclsRequest', acls_response([WRITE, OTHER]))
    kafka.answer('DeleteAclsRequest', lambda address, request: delete_acls_response(request))
    result = run_module(kafka_acl, dict(CONNECTION, acls=[ENTRY], state='absent'), diff=True)
    assert not result['failed'] and result['changed'] is True and result['deleted'] == [LINES['write']]
    [request] = kafka.requests('DeleteAclsRequest')
    assert [(f['principal_filter'], f['operation']) for f in request.to_dict()['filters']] == [
        ('User:app', kp.ACL_OPERATIONS['WRITE'])]
    assert result['diff']['after'] == LINES['other'] + '\n'


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_an_unreachable_cluster_is_reported_per_fail_on_unavailable(kafka, fail_on_unavailable):
    kafka.answer('DescribeAclsRequest', KafkaUnavailable('connect/handshake: KafkaConnectionError: 111 ECONNREFUSED'))
    result = run_module(kafka_acl, dict(CONNECTION, acls=[ENTRY], fail_on_unavailable=fail_on_unavailable),
                        check_mode=True)
    assert result['failed'] is fail_on_unavailable and result['available'] is False and not result.get('changed')
    assert result['created'] == result['deleted'] == []
    assert 'DescribeAcls failed on every bootstrap address (broker-4:9092: connect/handshake' in (
        result['msg'] if fail_on_unavailable else result['error'])


def test_a_not_controller_answer_is_tried_on_the_next_broker(kafka):
    kafka.answer('DescribeAclsRequest', acls_response([WRITE, DESCRIBE]))
    kafka.answer('CreateAclsRequest', lambda address, request: create_acls_response(
        request, error_code=41 if address == 'broker-4:9092' else 0))
    result = run_module(kafka_acl, dict(CONNECTION, acls=[dict(ENTRY, operations=['read'])]))
    assert not result['failed'] and result['changed'] is True
    assert kafka.addresses() == ['broker-4:9092', 'broker-4:9092', 'broker-5:9092']


def test_a_refused_change_fails_even_when_unavailability_is_tolerated(kafka):
    kafka.answer('DescribeAclsRequest', acls_response([]))
    kafka.answer('CreateAclsRequest', lambda address, request: create_acls_response(request, error_code=31))
    result = run_module(kafka_acl, dict(CONNECTION, acls=[ENTRY], fail_on_unavailable=False))
    assert result['failed'] and result['available'] is True and result['created'] == []
    assert result['msg'] == ('Kafka ACLs could not be managed: CreateAcls of 2 binding(s) refused: '
                             'error 31 (CLUSTER_AUTHORIZATION_FAILED): refused; error 31 (CLUSTER_AUTHORIZATION_FAILED): refused')
    assert len(kafka.requests('CreateAclsRequest')) == 1


def test_a_bug_in_check_mode_fails_the_module_even_when_unavailability_is_tolerated(kafka):
    # Roles pass fail_on_unavailable: "{{ not ansible_check_mode }}"; a bug must not pass as "no cluster".
    kafka.answer('DescribeAclsRequest', KeyError('resource_type'))
    with pytest.raises(KeyError):
        run_module(kafka_acl, dict(CONNECTION, acls=[ENTRY], fail_on_unavailable=False), check_mode=True)
