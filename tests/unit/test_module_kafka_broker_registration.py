"""kafka_broker_registration's main() against a fake cluster (see module_harness)."""
import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable
from ansible_collections.kafkaops.kraft.plugins.modules import kafka_broker_registration
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    CONNECTION,
    MovingCluster,
    instant_wait_for,
    run_module,
    unregister_broker_response,
)

# Broker 7 was drained: it holds nothing.
DRAINED = {'orders': {0: [4, 5, 6], 1: [5, 6, 4], 2: [6, 4, 5]}}
STOPPED = {4: False, 5: False, 6: False, 7: True}
RUNNING = {4: False, 5: False, 6: False, 7: False}


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """wait_for without waiting, in every test."""
    return instant_wait_for(monkeypatch)


def run(args=None, **kwargs):
    return run_module(kafka_broker_registration, dict(CONNECTION, broker_id=7, **(args or {})), **kwargs)


def names(kafka):
    return [type(request).__name__ for request in kafka.requests()]


def test_a_fenced_broker_is_unregistered(kafka, clock):
    cluster = MovingCluster(DRAINED, brokers=STOPPED).answer(kafka)
    result = run()
    assert not result['failed'] and result['changed'] is True
    assert result['registered'] is False and result['replicas'] == []
    assert names(kafka) == ['MetadataRequest', 'DescribeClusterRequest', 'DescribeClusterRequest',
                            'UnregisterBrokerRequest']
    assert [r.to_dict() for r in kafka.requests('UnregisterBrokerRequest')] == [dict(broker_id=7)]
    assert sorted(cluster.brokers) == [4, 5, 6] and clock.sleeps == []


def test_check_mode_reports_the_unregistration_and_sends_none(kafka):
    cluster = MovingCluster(DRAINED, brokers=STOPPED).answer(kafka)
    result = run(check_mode=True)
    assert not result['failed'] and result['changed'] is True and result['registered'] is False
    assert kafka.requests('UnregisterBrokerRequest') == [] and 7 in cluster.brokers


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_broker_not_registered_is_left_as_it_is(kafka, check_mode):
    MovingCluster(DRAINED, brokers={4: False, 5: False, 6: False}).answer(kafka)
    result = run(check_mode=check_mode)
    assert not result['failed'] and result['changed'] is False
    assert result['registered'] is False and result['replicas'] == []
    assert kafka.requests('UnregisterBrokerRequest') == []


def test_a_second_run_changes_nothing(kafka):
    MovingCluster(DRAINED, brokers=STOPPED).answer(kafka)
    assert run()['changed'] is True
    result = run()
    assert not result['failed'] and result['changed'] is False
    assert len(kafka.requests('UnregisterBrokerRequest')) == 1


def test_broker_id_not_registered_in_answer_to_unregister_broker_is_a_no_op(kafka):
    # The broker answering DescribeCluster still lists 7; the controller unregistered it already.
    MovingCluster(DRAINED, brokers=STOPPED).answer(kafka)
    kafka.answer('UnregisterBrokerRequest', unregister_broker_response(error_code=102))
    result = run()
    assert not result['failed'] and result['registered'] is False
    assert result['changed'] is False


def test_a_broker_that_still_holds_replicas_is_refused(kafka):
    cluster = MovingCluster({'orders': {0: [4, 5, 7], 1: [7, 6, 4], 2: [6, 4, 5]}}, brokers=STOPPED).answer(kafka)
    result = run()
    assert result['failed'] and result['replicas'] == ['orders-0', 'orders-1']
    assert result['msg'] == ('broker 7 still holds replicas of 2 partition(s) (orders-0, orders-1): drain it first '
                             '(kafka_partition_reassignment with exclude_brokers: [7]), or set force')
    assert names(kafka) == ['MetadataRequest', 'DescribeClusterRequest'] and 7 in cluster.brokers


def test_force_unregisters_a_broker_that_still_holds_replicas(kafka):
    cluster = MovingCluster({'orders': {0: [4, 5, 7]}}, brokers=STOPPED).answer(kafka)
    result = run(dict(force=True))
    assert not result['failed'] and result['changed'] is True and result['replicas'] == ['orders-0']
    assert len(kafka.requests('UnregisterBrokerRequest')) == 1 and 7 not in cluster.brokers


def test_the_refusal_of_a_broker_not_registered_any_more_says_so(kafka):
    MovingCluster({'orders': {0: [4, 5, 7]}}, brokers={4: False, 5: False, 6: False}).answer(kafka)
    result = run()
    assert result['failed'] and result['registered'] is False


def test_a_broker_that_stays_unfenced_is_refused_after_the_timeout(kafka, clock):
    cluster = MovingCluster(DRAINED, brokers=RUNNING).answer(kafka)
    result = run(dict(timeout=3))
    assert result['failed'] and result['registered'] is True
    assert result['msg'] == ('broker 7 is still unfenced (running) after 3.0 s: stop its kafka service first, or it '
                             'registers again')
    assert kafka.requests('UnregisterBrokerRequest') == [] and 7 in cluster.brokers
    assert clock.sleeps == [1.0] * 3 and len(kafka.requests('DescribeClusterRequest')) == 5


def test_a_broker_stopping_is_waited_for_until_fenced(kafka, clock):
    cluster = MovingCluster(DRAINED, brokers=RUNNING).answer(kafka)

    def fence(address, request):
        if len(kafka.requests('DescribeClusterRequest')) == 3:
            cluster.brokers[7] = True
        return cluster.describe_cluster(address, request)
    kafka.answer('DescribeClusterRequest', fence)
    result = run()
    assert not result['failed'] and result['changed'] is True and 7 not in cluster.brokers
    assert clock.sleeps == [1.0]


def test_a_refused_unregistration_fails(kafka):
    MovingCluster(DRAINED, brokers=STOPPED).answer(kafka)
    kafka.answer('UnregisterBrokerRequest', unregister_broker_response(error_code=31, error_message='denied'))
    result = run()
    assert result['failed'] and result['available'] is True and result['registered'] is None
    assert result['msg'] == ('broker registration could not be managed: UnregisterBroker refused: error 31 '
                             '(CLUSTER_AUTHORIZATION_FAILED): denied')


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_an_unreachable_cluster_is_reported_per_fail_on_unavailable(kafka, fail_on_unavailable):
    kafka.answer('MetadataRequest', KafkaUnavailable('connect/handshake: timed out'))
    result = run(dict(fail_on_unavailable=fail_on_unavailable))
    assert result['failed'] is fail_on_unavailable and result['available'] is False
    assert not result.get('changed') and result['replicas'] == []
    assert names(kafka) == ['MetadataRequest'] * 2
