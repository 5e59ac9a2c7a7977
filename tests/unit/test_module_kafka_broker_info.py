"""kafka_broker_info's main() against a fake cluster (see module_harness)."""
import pytest

from ansible_collections.kafkaops.kraft.plugins.modules import kafka_broker_info
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    CONNECTION,
    cluster_response,
    metadata_response,
    quorum_response,
    run_module,
)

CLUSTER_ID = 'rWv8QX9zTW67DOWKpX0XiA'


@pytest.mark.parametrize('check_mode', [False, True])
def test_registered_unfenced_brokers(kafka, check_mode):
    kafka.answer('DescribeClusterRequest', cluster_response(brokers=[(6, False), (4, False), (5, False)]))
    kafka.answer('DescribeQuorumRequest', quorum_response(observers=((4, 200), (5, 200), (6, 200), (6, 150))))
    result = run_module(kafka_broker_info, dict(CONNECTION, expected_brokers=[4, 5, 6], cluster_id=CLUSTER_ID),
                        check_mode=check_mode)
    assert not result['failed'] and result['changed'] is False and result['available'] is True
    assert result['cluster_id'] == CLUSTER_ID and result['controller_id'] == 4
    assert result['broker_ids'] == result['unfenced_broker_ids'] == [4, 5, 6] and result['fenced_broker_ids'] == []
    assert result['brokers'][0] == dict(broker_id=4, host='broker-4', port=9092, rack=None, fenced=False)
    assert result['metadata_followers'] == [4, 5, 6] and result['problems'] == [] and result['attempts'] == 1
    assert 'partition_count' not in result


def test_a_describe_cluster_error_code_is_asked_again_until_it_clears(kafka, clock):
    # A broker that has not yet caught up with the controllers answers with an error code.
    kafka.answer('DescribeClusterRequest', cluster_response(error_code=15), cluster_response(error_code=15),
                 cluster_response())
    kafka.answer('DescribeQuorumRequest', quorum_response())
    result = run_module(kafka_broker_info, dict(CONNECTION, bootstrap_servers=['broker-4:9092'],
                                                expected_brokers=[4, 5, 6], wait=30))
    assert not result['failed'] and result['available'] and result['attempts'] == 3
    assert clock.sleeps == [1.0, 1.0] and result['unfenced_broker_ids'] == [4, 5, 6]


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_a_describe_cluster_error_code_that_never_clears_is_reported_per_fail_on_unavailable(
        kafka, clock, fail_on_unavailable):
    kafka.answer('DescribeClusterRequest', cluster_response(error_code=31, error_message='Cluster authorization failed.'))
    kafka.answer('DescribeQuorumRequest', quorum_response())
    result = run_module(kafka_broker_info, dict(CONNECTION, expected_brokers=[4], wait=2,
                                                fail_on_unavailable=fail_on_unavailable))
    assert result['failed'] is fail_on_unavailable and result['available'] is False and result['changed'] is False
    assert result['attempts'] == 3 and len(kafka.requests('DescribeClusterRequest')) == 6
    assert result['error'] == (
        'DescribeCluster failed on every bootstrap address (broker-4:9092: error 31 (CLUSTER_AUTHORIZATION_FAILED): '
        'Cluster authorization failed.; broker-5:9092: error 31 (CLUSTER_AUTHORIZATION_FAILED): '
        'Cluster authorization failed.)')
    if fail_on_unavailable:
        assert result['msg'] == 'Kafka brokers not available after 3 attempt(s): ' + result['error']


def test_fenced_and_missing_brokers_fail_after_wait_with_what_was_seen(kafka, clock):
    kafka.answer('DescribeClusterRequest', cluster_response(brokers=[(4, False), (6, True)]))
    kafka.answer('DescribeQuorumRequest', quorum_response(observers=((4, 200),)))
    result = run_module(kafka_broker_info, dict(CONNECTION, expected_brokers=[4, 5, 6], cluster_id='other', wait=1))
    assert result['failed'] and result['attempts'] == 2 and result['available'] is False
    assert result['problems'] == ['cluster id is %s, expected other' % CLUSTER_ID,
                                  'broker 5 is not registered (registered: [4, 6])',
                                  'broker 6 is registered but fenced']
    assert result['fenced_broker_ids'] == [6] and 'error' not in result


def test_partition_health_gate(kafka):
    kafka.answer('DescribeClusterRequest', cluster_response())
    kafka.answer('DescribeQuorumRequest', quorum_response())
    kafka.answer('MetadataRequest', metadata_response(partitions=[
        ('orders', 0, 4, (4, 5, 6), (4, 5, 6)), ('orders', 1, 5, (4, 5, 6), (5, 6)), ('audit', 0, -1, (6,), ())]))
    result = run_module(kafka_broker_info, dict(CONNECTION, max_under_replicated=0, fail_on_unavailable=False))
    assert not result['failed'] and result['available'] is False and result['partition_count'] == 3
    assert result['under_replicated_partitions'] == ['audit-0', 'orders-1'] and result['offline_partitions'] == ['audit-0']
    assert result['problems'] == ['2 partitions are under-replicated or offline (max 0): audit-0, orders-1']


def test_a_bug_fails_the_module_even_when_unavailability_is_tolerated(kafka):
    kafka.answer('DescribeClusterRequest', TypeError("'NoneType' object is not iterable"))
    with pytest.raises(TypeError):
        run_module(kafka_broker_info, dict(CONNECTION, fail_on_unavailable=False), check_mode=True)
