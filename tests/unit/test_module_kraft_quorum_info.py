"""kraft_quorum_info's main() against a fake quorum (see module_harness)."""
import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable
from ansible_collections.kafkaops.kraft.plugins.modules import kraft_quorum_info
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import cluster_response, quorum_response, run_module

CONTROLLERS = dict(bootstrap_servers=['controller-1:9093', 'controller-2:9093'])


@pytest.mark.parametrize('check_mode', [False, True])
def test_healthy_quorum_is_reported_the_same_in_check_mode(kafka, check_mode):
    kafka.answer('DescribeQuorumRequest', quorum_response())
    result = run_module(kraft_quorum_info, dict(CONTROLLERS, expected_voters=[1, 2, 3], max_lag=10),
                        check_mode=check_mode)
    assert not result['failed'] and result['changed'] is False and result['available'] is True
    assert (result['leader_id'], result['leader_epoch'], result['high_watermark']) == (1, 5, 200)
    assert result['voter_ids'] == [1, 2, 3] and result['observer_ids'] == [4, 5, 6]
    assert result['max_voter_lag'] == 5 and result['problems'] == [] and result['attempts'] == 1
    assert result['voters'][2]['lag'] == 5
    assert result['voters'][0]['directory_id'] == '9YZQHoulJLHxAOMiArl8rw'
    assert result['voters'][0]['endpoints'] == ['CONTROLLER://controller-1:9093']
    assert kafka.addresses() == ['controller-1:9093']


def test_a_follower_sends_the_question_on_to_the_next_controller(kafka):
    kafka.answer('DescribeQuorumRequest', lambda address, request: quorum_response(
        partition_error=6 if address == 'controller-1:9093' else 0))
    result = run_module(kraft_quorum_info, CONTROLLERS)
    assert result['available'] and result['leader_id'] == 1
    assert kafka.addresses() == ['controller-1:9093', 'controller-2:9093']


def test_waits_for_an_election(kafka, clock):
    kafka.answer('DescribeQuorumRequest', quorum_response(leader=-1), quorum_response(leader=-1), quorum_response(leader=2))
    result = run_module(kraft_quorum_info, dict(CONTROLLERS, wait=10))
    assert result['available'] and result['leader_id'] == 2 and result['attempts'] == 3
    assert clock.sleeps == [1.0, 1.0]


def test_assertions_that_never_hold_fail_naming_node_and_number(kafka, clock):
    kafka.answer('DescribeQuorumRequest', quorum_response())
    result = run_module(kraft_quorum_info, dict(CONTROLLERS, max_lag=2, not_leader=1, wait=2))
    assert result['failed'] and result['attempts'] == 3 and not result['available']
    assert result['problems'] == ['voter 3 lags the leader by 5 offsets (max_lag 2)', 'node 1 is still the leader (epoch 5)']
    assert result['msg'].startswith('KRaft quorum check failed after 3 attempt(s): voter 3 lags')
    assert result['leader_id'] == 1


@pytest.mark.parametrize('fail_on_unavailable', [True, False])
def test_error_codes_on_every_controller_are_retried_then_reported(kafka, clock, fail_on_unavailable):
    kafka.answer('DescribeQuorumRequest', lambda address, request: (
        quorum_response(error_code=15) if address == 'controller-1:9093' else KafkaUnavailable('connect/handshake: KafkaConnectionError: 111 ECONNREFUSED')))
    result = run_module(kraft_quorum_info, dict(CONTROLLERS, wait=2, fail_on_unavailable=fail_on_unavailable))
    assert result['failed'] is fail_on_unavailable and result['available'] is False and result['attempts'] == 3
    assert result['error'] == ('DescribeQuorum failed on every bootstrap address (controller-1:9093: error 15 '
                               '(COORDINATOR_NOT_AVAILABLE); controller-2:9093: connect/handshake: '
                               'KafkaConnectionError: 111 ECONNREFUSED)')
    assert len(kafka.sent) == 6


def test_a_bug_fails_the_module_even_when_unavailability_is_tolerated(kafka):
    kafka.answer('DescribeQuorumRequest', KeyError('topics'))
    with pytest.raises(KeyError):
        run_module(kraft_quorum_info, dict(CONTROLLERS, fail_on_unavailable=False), check_mode=True)


def test_registrations_lists_the_controllers_registered_in_the_metadata(kafka):
    # Controller 4 left the quorum but is still registered: only DescribeCluster of the controller
    # endpoints shows it.
    kafka.answer('DescribeQuorumRequest', quorum_response())
    kafka.answer('DescribeClusterRequest', cluster_response(brokers=((3, False), (1, False), (2, False), (4, False))))
    result = run_module(kraft_quorum_info, dict(CONTROLLERS, registrations=True))
    assert result['available'] and result['registered_controller_ids'] == [1, 2, 3, 4]
    [request] = kafka.requests('DescribeClusterRequest')
    assert request.to_dict()['endpoint_type'] == 2


def test_without_registrations_no_describe_cluster_is_sent(kafka):
    kafka.answer('DescribeQuorumRequest', quorum_response())
    result = run_module(kraft_quorum_info, CONTROLLERS)
    assert 'registered_controller_ids' not in result and kafka.requests('DescribeClusterRequest') == []
