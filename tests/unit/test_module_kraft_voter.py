"""kraft_voter's main() against a fake dynamic quorum (see module_harness)."""
import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils.kafka_client import KafkaUnavailable
from ansible_collections.kafkaops.kraft.plugins.module_utils.kraft_state import directory_id_to_kafka
from ansible_collections.kafkaops.kraft.plugins.modules import kraft_voter
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import (
    add_raft_voter_response,
    dynamic_quorum_response,
    remove_raft_voter_response,
    run_module,
    unregister_controller_response,
)

# Directory IDs as Kafka writes them: controllers 1 and 3, controller 2 before (OLD) and after
# (NEW) its disk was replaced, controller 4.
D1, OLD, NEW, D3, D4 = ('Ga77ft73n_BQn6RH_Qk8FA', 'wTx1rBEUPB0fyOVAwqpmqQ', 'gphqQFZ3ggTe22nJf_Jj0Q',
                        'cYFqVr_dVGamYbntAlQ0Vw', '8nE1X1zQKWRjFEA_E0QEyw')
CLUSTER_ID = 'rWv8QX9zTW67DOWKpX0XiA'
ADDRESSES = ['controller-1:9093', 'controller-2:9093', 'controller-3:9093']
JOIN = dict(bootstrap_servers=ADDRESSES, node_id=2, directory_id=NEW, host='controller-2', port=9093,
            cluster_id=CLUSTER_ID, wait=3)
LEAVE = dict(bootstrap_servers=ADDRESSES, node_id=4, state='absent', wait=3)
NOT_LEADER = 6
CLUSTER_AUTHORIZATION_FAILED = 31


class Quorum(object):
    """The voter set a fake cluster keeps. DescribeQuorum shows it (from any controller, as the
    collection's own describe_quorum is tested elsewhere); AddRaftVoter and RemoveRaftVoter change
    it when they reach the leader, and other controllers answer NOT_LEADER_OR_FOLLOWER. Replicas
    are [id, log end offset, directory ID]; with apply=False changes are accepted but never show."""

    def __init__(self, voters, observers=(), leader=1, leader_address='controller-1:9093', apply=True):
        self.voters = [list(v) for v in voters]
        self.observers = [list(o) for o in observers]
        self.leader, self.leader_address, self.apply = leader, leader_address, apply

    def answer(self, kafka):
        kafka.answer('DescribeQuorumRequest', self.describe)
        kafka.answer('RemoveRaftVoterRequest', self.remove)
        kafka.answer('AddRaftVoterRequest', self.add)

    def describe(self, address, request):
        return dynamic_quorum_response(leader=self.leader, voters=[tuple(v) for v in self.voters],
                                       observers=[tuple(o) for o in self.observers])

    def remove(self, address, request):
        if address != self.leader_address:
            return remove_raft_voter_response(error_code=NOT_LEADER)
        if self.apply:
            key = [request.voter_id, directory_id_to_kafka(str(request.voter_directory_id))]
            self.voters = [v for v in self.voters if [v[0], v[2]] != key]
        return remove_raft_voter_response()

    def add(self, address, request):
        if address != self.leader_address:
            return add_raft_voter_response(error_code=NOT_LEADER)
        if self.apply:
            key = [request.voter_id, directory_id_to_kafka(str(request.voter_directory_id))]
            joining = [o for o in self.observers if [o[0], o[2]] == key]
            self.observers = [o for o in self.observers if o not in joining]
            self.voters = sorted(self.voters + joining)
        return add_raft_voter_response()


def lost_disk(**kwargs):
    """Controller 2 lost its disk: its old directory is still a voter (silent, far behind), the
    new one fetches as a caught-up observer, next to broker 5."""
    return Quorum([(1, 200, D1), (2, 120, OLD), (3, 200, D3)], [(2, 195, NEW), (5, 200, D4)], **kwargs)


def sent(kafka, name):
    """(address, {field: value}) of each request `name` sent, directory IDs as Kafka writes them."""
    found = []
    for address, request in kafka.sent:
        if type(request).__name__ == name:
            fields = request.to_dict()
            if 'voter_directory_id' in fields:
                fields['voter_directory_id'] = directory_id_to_kafka(fields['voter_directory_id'])
            found.append((address, fields))
    return found


def changes(kafka):
    return [type(request).__name__ for address, request in kafka.sent if type(request).__name__ != 'DescribeQuorumRequest']


def test_a_lost_disk_is_replaced_removing_the_old_directory_before_adding_the_new(kafka, clock):
    lost_disk().answer(kafka)
    result = run_module(kraft_voter, JOIN, diff=True)
    assert not result['failed'] and result['changed'] is True
    assert result['removed'] == ['2:' + OLD] and result['added'] == ['2:' + NEW]
    assert result['voters_before'] == ['1:' + D1, '2:' + OLD, '3:' + D3]
    assert result['voters'] == ['1:' + D1, '2:' + NEW, '3:' + D3] and result['leader_id'] == 1
    assert changes(kafka) == ['RemoveRaftVoterRequest', 'AddRaftVoterRequest']
    assert sent(kafka, 'RemoveRaftVoterRequest') == [
        ('controller-1:9093', dict(cluster_id=CLUSTER_ID, voter_id=2, voter_directory_id=OLD))]
    assert sent(kafka, 'AddRaftVoterRequest') == [('controller-1:9093', dict(
        cluster_id=CLUSTER_ID, voter_id=2, voter_directory_id=NEW, ack_when_committed=True,
        listeners=[dict(name='CONTROLLER', host='controller-2', port=9093)],
        timeout_ms=5000))]  # half of request_timeout (10s): Kafka's answer arrives before our deadline
    assert result['diff'] == dict(before='1:%s\n2:%s\n3:%s\n' % (D1, OLD, D3), after='1:%s\n2:%s\n3:%s\n' % (D1, NEW, D3))
    assert 'unregistered' not in result and clock.sleeps == []


def test_without_directory_id_the_one_directory_the_node_is_observed_with_is_added(kafka, clock):
    lost_disk().answer(kafka)
    result = run_module(kraft_voter, dict(JOIN, directory_id=None, cluster_id=None, listener_name='CTRL'))
    assert result['changed'] is True and result['added'] == ['2:' + NEW] and result['removed'] == ['2:' + OLD]
    [(address, add)] = sent(kafka, 'AddRaftVoterRequest')
    assert add['cluster_id'] is None and add['listeners'] == [dict(name='CTRL', host='controller-2', port=9093)]


def test_a_new_controller_is_only_added(kafka, clock):
    Quorum([(1, 200, D1), (2, 200, NEW), (3, 200, D3)], [(4, 190, D4)]).answer(kafka)
    result = run_module(kraft_voter, dict(JOIN, node_id=4, directory_id=D4, host='controller-4'))
    assert result['changed'] is True and result['removed'] == [] and result['added'] == ['4:' + D4]
    assert result['voters'] == ['1:' + D1, '2:' + NEW, '3:' + D3, '4:' + D4]
    assert changes(kafka) == ['AddRaftVoterRequest']


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_controller_already_a_voter_changes_nothing(kafka, clock, check_mode):
    Quorum([(1, 200, D1), (2, 200, NEW), (3, 200, D3)], [(5, 200, D4)]).answer(kafka)
    result = run_module(kraft_voter, JOIN, check_mode=check_mode, diff=True)
    assert not result['failed'] and result['changed'] is False
    assert result['removed'] == [] and result['added'] == []
    assert result['voters'] == result['voters_before'] == ['1:' + D1, '2:' + NEW, '3:' + D3]
    assert result['diff']['before'] == result['diff']['after']
    assert changes(kafka) == []


def test_check_mode_reports_the_replacement_and_sends_nothing(kafka, clock):
    lost_disk().answer(kafka)
    result = run_module(kraft_voter, JOIN, check_mode=True, diff=True)
    assert not result['failed'] and result['changed'] is True
    assert result['removed'] == ['2:' + OLD] and result['added'] == ['2:' + NEW]
    assert result['voters'] == ['1:' + D1, '3:' + D3, '2:' + NEW] and result['waiting'] == []
    assert result['diff']['after'] == '1:%s\n3:%s\n2:%s\n' % (D1, D3, NEW)
    assert changes(kafka) == [] and len(kafka.sent) == 1 and clock.sleeps == []


def test_check_mode_adds_a_controller_not_started_yet_as_a_placeholder(kafka, clock):
    # The role passes this directory ID in check mode: the disk is not formatted yet.
    Quorum([(1, 200, D1), (2, 120, OLD), (3, 200, D3)], [(5, 200, D4)]).answer(kafka)
    result = run_module(kraft_voter, dict(JOIN, directory_id='(formatted by this run)'), check_mode=True)
    assert not result['failed'] and result['changed'] is True
    assert result['removed'] == ['2:' + OLD] and result['added'] == ['2:(formatted by this run)']
    assert result['waiting'] == ['node 2 (directory (formatted by this run)) does not fetch the metadata log as an '
                                 'observer yet']
    # Check mode does not wait for the controller: the quorum as it is now says what would be done.
    assert changes(kafka) == [] and clock.sleeps == [] and len(kafka.sent) == 1


def test_check_mode_names_the_placeholder_when_no_directory_id_is_given(kafka, clock):
    Quorum([(1, 200, D1), (2, 200, NEW), (3, 200, D3)]).answer(kafka)
    result = run_module(kraft_voter, dict(JOIN, node_id=4, directory_id=None, host='controller-4'), check_mode=True)
    assert result['changed'] is True and result['removed'] == []
    assert result['added'] == ['4:(the directory it will be observed with)']
    assert result['voters'] == ['1:' + D1, '2:' + NEW, '3:' + D3, '4:(the directory it will be observed with)']
    assert changes(kafka) == []


def test_a_lagging_observer_fails_after_wait_naming_the_lag_and_nothing_is_sent(kafka, clock):
    Quorum([(1, 200, D1), (2, 120, OLD), (3, 200, D3)], [(2, 50, NEW)]).answer(kafka)
    result = run_module(kraft_voter, JOIN)
    assert result['failed'] and result['changed'] is False
    assert result['waiting'] == ['observer 2:%s lags the leader by 150 offsets (max_lag 100)' % NEW]
    assert result['msg'] == ('KRaft voters: not changed after 4 attempt(s) over 3.0s, as these conditions did not '
                             'hold: observer 2:%s lags the leader by 150 offsets (max_lag 100)' % NEW)
    assert result['removed'] == [] and result['added'] == [] and result['voters_before'][1] == '2:' + OLD
    assert changes(kafka) == [] and clock.sleeps == [1.0, 1.0, 1.0]


def test_every_condition_that_never_clears_is_named(kafka, clock):
    # The new replica does not fetch yet, and voter 3 is silent: removing 2 would leave 1 and a
    # silent voter.
    Quorum([(1, 200, D1), (2, 120, OLD), (3, -1, D3)], [(5, 200, D4)]).answer(kafka)
    result = run_module(kraft_voter, dict(JOIN, wait=0))
    assert result['failed'] and result['changed'] is False
    assert result['waiting'] == ['node 2 (directory %s) does not fetch the metadata log as an observer yet' % NEW]
    Quorum([(1, 200, D1), (2, 120, OLD), (3, -1, D3)], [(2, 200, NEW)]).answer(kafka)
    result = run_module(kraft_voter, dict(JOIN, wait=0))
    assert result['failed'] and result['waiting'] == [
        "the voters that stay are not a caught-up majority: ['3:%s'] behind or silent of ['1:%s', '3:%s'] "
        "(max_lag 100)" % (D3, D1, D3)]
    assert changes(kafka) == []


def test_no_leader_is_waited_for_then_named(kafka, clock):
    Quorum([(1, 200, D1), (2, 120, OLD), (3, 200, D3)], [(2, 195, NEW)], leader=-1).answer(kafka)
    result = run_module(kraft_voter, JOIN)
    assert result['failed'] and result['waiting'] == ['no quorum leader is elected (epoch 5)']
    assert result['leader_id'] is None and changes(kafka) == []


def test_waits_until_the_observer_has_caught_up(kafka, clock):
    quorum = Quorum([(1, 200, D1), (2, 120, OLD), (3, 200, D3)], [(2, 50, NEW)])
    quorum.answer(kafka)

    def describe(address, request):
        if len(clock.sleeps) == 2 and quorum.observers == [[2, 50, NEW]]:  # the third look finds it caught up
            quorum.observers = [[2, 190, NEW]]
        return quorum.describe(address, request)
    kafka.answer('DescribeQuorumRequest', describe)
    result = run_module(kraft_voter, dict(JOIN, wait=30))
    assert not result['failed'] and result['changed'] is True and result['added'] == ['2:' + NEW]
    assert changes(kafka) == ['RemoveRaftVoterRequest', 'AddRaftVoterRequest']
    assert clock.sleeps == [1.0, 1.0]


def test_several_directories_of_the_node_are_refused_without_directory_id(kafka, clock):
    Quorum([(1, 200, D1), (2, 120, OLD), (3, 200, D3)], [(2, 200, NEW), (2, 200, D4)]).answer(kafka)
    result = run_module(kraft_voter, dict(JOIN, directory_id=None))
    assert result['failed'] and result['changed'] is False
    assert result['msg'] == ("KRaft voters: refused, nothing was changed: node 2 is observed with several directories "
                             "['2:%s', '2:%s']; give directory_id" % (NEW, D4))
    # A later look would not change it: refused on the first look, without waiting.
    assert changes(kafka) == [] and len(kafka.sent) == 1 and clock.sleeps == []


def test_the_leader_is_found_among_the_controllers(kafka, clock):
    # Controllers 1 and 2 answer NOT_LEADER_OR_FOLLOWER (retriable): the change goes on to 3.
    lost_disk(leader=3, leader_address='controller-3:9093').answer(kafka)
    result = run_module(kraft_voter, JOIN)
    assert not result['failed'] and result['changed'] is True and result['leader_id'] == 3
    assert [address for address, fields in sent(kafka, 'RemoveRaftVoterRequest')] == ADDRESSES
    assert [address for address, fields in sent(kafka, 'AddRaftVoterRequest')] == ADDRESSES
    assert result['voters'] == ['1:' + D1, '2:' + NEW, '3:' + D3]


def test_a_change_refused_for_good_fails_without_asking_the_next_controller(kafka, clock):
    lost_disk().answer(kafka)
    kafka.answer('AddRaftVoterRequest', add_raft_voter_response(error_code=CLUSTER_AUTHORIZATION_FAILED,
                                                                error_message='Cluster authorization failed.'))
    result = run_module(kraft_voter, dict(JOIN, fail_on_unavailable=False))
    # A refusal fails whatever fail_on_unavailable says.
    assert result['failed'] and result['available'] is True
    assert result['msg'].startswith("KRaft voters: stopped after removing 2:%s, KafkaRefused: AddRaftVoter "
                                    "refused: error 31 (CLUSTER_AUTHORIZATION_FAILED): Cluster authorization failed."
                                    % OLD)
    assert result['msg'].endswith('Run again once the cause is fixed: it carries on from here.')
    # The old directory was removed already: the run did change the quorum.
    assert result['changed'] is True and result['removed'] == ['2:' + OLD] and result['added'] == []
    assert result['voters_before'] == ['1:' + D1, '2:' + OLD, '3:' + D3]
    assert [address for address, fields in sent(kafka, 'AddRaftVoterRequest')] == ['controller-1:9093']
    assert changes(kafka) == ['RemoveRaftVoterRequest', 'AddRaftVoterRequest']


def test_an_unreachable_quorum_fails_before_any_change(kafka, clock):
    kafka.answer('DescribeQuorumRequest', KafkaUnavailable('connect/handshake: KafkaConnectionError: 111 ECONNREFUSED'))
    result = run_module(kraft_voter, dict(JOIN, wait=0))
    assert result['failed'] and result['available'] is False and not result.get('changed')
    assert result['msg'].startswith('KRaft voters could not be managed: KafkaUnavailable: DescribeQuorum failed on '
                                    'every bootstrap address (controller-1:9093: connect/handshake')
    assert result['removed'] == [] and result['added'] == [] and changes(kafka) == []


def test_a_change_the_quorum_never_shows_fails_as_changed(kafka, clock):
    lost_disk(apply=False).answer(kafka)
    result = run_module(kraft_voter, JOIN)
    assert result['failed'] and result['changed'] is True and result['removed'] == ['2:' + OLD]
    assert result['msg'] == ("KRaft voters: the change of 2:%s was accepted, but the quorum did not show it within "
                             "3.0s: voter set ['1:%s', '2:%s', '3:%s'] still holds 2:%s yet" % (OLD, D1, OLD, D3, OLD))
    assert changes(kafka) == ['RemoveRaftVoterRequest'] and clock.sleeps == [1.0, 1.0, 1.0]


def four_voters(**kwargs):
    return Quorum([(1, 200, D1), (2, 200, NEW), (3, 200, D3), (4, 200, D4)], **kwargs)


def test_absent_removes_the_voter(kafka, clock):
    four_voters().answer(kafka)
    result = run_module(kraft_voter, LEAVE, diff=True)
    assert not result['failed'] and result['changed'] is True
    assert result['removed'] == ['4:' + D4] and result['added'] == []
    assert result['voters'] == ['1:' + D1, '2:' + NEW, '3:' + D3]
    assert sent(kafka, 'RemoveRaftVoterRequest') == [
        ('controller-1:9093', dict(cluster_id=None, voter_id=4, voter_directory_id=D4))]
    assert changes(kafka) == ['RemoveRaftVoterRequest'] and result['diff']['after'] == '1:%s\n2:%s\n3:%s\n' % (D1, NEW, D3)


@pytest.mark.parametrize('check_mode', [False, True])
def test_absent_refuses_to_leave_fewer_than_min_voters(kafka, clock, check_mode):
    four_voters().answer(kafka)
    result = run_module(kraft_voter, dict(LEAVE, min_voters=4), check_mode=check_mode)
    assert result['failed'] and result['changed'] is False
    assert result['msg'] == ("KRaft voters: refused, nothing was changed: removing voter 4:%s would leave 3 voter(s) "
                             "['1:%s', '2:%s', '3:%s']; a quorum keeps at least 4 (min_voters)" % (D4, D1, NEW, D3))
    assert result['voters_before'] == ['1:' + D1, '2:' + NEW, '3:' + D3, '4:' + D4]
    assert changes(kafka) == [] and len(kafka.sent) == 1 and clock.sleeps == []


def test_absent_of_a_node_that_is_not_a_voter_changes_nothing(kafka, clock):
    Quorum([(1, 200, D1), (2, 200, NEW), (3, 200, D3)]).answer(kafka)
    result = run_module(kraft_voter, LEAVE)
    assert not result['failed'] and result['changed'] is False and result['removed'] == []
    assert changes(kafka) == []


def test_absent_with_unregister_drops_the_registration_after_the_removal(kafka, clock):
    four_voters().answer(kafka)
    kafka.answer('UnregisterControllerRequest', unregister_controller_response())
    result = run_module(kraft_voter, dict(LEAVE, unregister=True))
    assert not result['failed'] and result['changed'] is True and result['unregistered'] is True
    assert result['removed'] == ['4:' + D4] and 'unregister_error' not in result
    assert changes(kafka) == ['RemoveRaftVoterRequest', 'UnregisterControllerRequest']
    assert sent(kafka, 'UnregisterControllerRequest') == [('controller-1:9093', dict(controller_id=4))]


def test_unregistering_a_controller_no_longer_registered_is_no_change(kafka, clock):
    # Kafka 4.4 answers CONTROLLER_ID_NOT_REGISTERED (136) for an ID with no registration: a re-run.
    Quorum([(1, 200, D1), (2, 200, NEW), (3, 200, D3)]).answer(kafka)
    kafka.answer('UnregisterControllerRequest', unregister_controller_response(
        error_code=136, error_message='Controller ID 4 is not currently registered.'))
    result = run_module(kraft_voter, dict(LEAVE, unregister=True))
    assert not result['failed'] and result['changed'] is False and result['unregistered'] is True
    assert 'unregister_error' not in result and changes(kafka) == ['UnregisterControllerRequest']


@pytest.mark.parametrize('answer, error', [
    (unregister_controller_response(error_code=CLUSTER_AUTHORIZATION_FAILED),
     'UnregisterController refused: error 31 (CLUSTER_AUTHORIZATION_FAILED)'),
    # Kafka before 4.4 lacks the request: kafka-python does not send it.
    (KafkaUnavailable('UnregisterControllerRequest: IncompatibleBrokerVersion'),
     'UnregisterController failed on every bootstrap address (controller-1:9093: UnregisterControllerRequest: '
     'IncompatibleBrokerVersion; controller-2:9093: UnregisterControllerRequest: IncompatibleBrokerVersion; '
     'controller-3:9093: UnregisterControllerRequest: IncompatibleBrokerVersion)'),
])
def test_an_unregistration_that_fails_is_reported_not_failed(kafka, clock, answer, error):
    four_voters().answer(kafka)
    kafka.answer('UnregisterControllerRequest', answer)
    result = run_module(kraft_voter, dict(LEAVE, unregister=True))
    assert not result['failed'] and result['changed'] is True
    assert result['unregistered'] is False and result['unregister_error'] == error
    assert result['removed'] == ['4:' + D4] and result['voters'] == ['1:' + D1, '2:' + NEW, '3:' + D3]


def test_unregister_is_ignored_when_the_controller_should_be_present(kafka, clock):
    Quorum([(1, 200, D1), (2, 200, NEW), (3, 200, D3)]).answer(kafka)
    result = run_module(kraft_voter, dict(JOIN, unregister=True))
    assert result['changed'] is False and 'unregistered' not in result
    assert changes(kafka) == []


def test_present_needs_the_address_the_voters_reach_it_on(kafka):
    result = run_module(kraft_voter, dict(bootstrap_servers=ADDRESSES, node_id=2))
    assert result['failed'] and 'host' in result['msg'] and 'port' in result['msg']
    assert kafka.sent == []


# --- A refusal does not wait; check mode; a change that stops half-way ---------------------------

def test_a_refusal_fails_at_once_even_while_other_conditions_wait(kafka, clock):
    # Voters 2 and 3 are behind (a condition that may clear), and removing 4 would leave fewer
    # than min_voters (one that will not): the refusal ends the run on the first look.
    Quorum([(1, 200, D1), (2, 10, NEW), (3, 10, D3), (4, 200, D4)]).answer(kafka)
    result = run_module(kraft_voter, dict(LEAVE, min_voters=4, wait=120))
    assert result['failed'] and result['changed'] is False
    assert result['msg'].startswith('KRaft voters: refused, nothing was changed: removing voter 4:%s would leave 3 '
                                    'voter(s)' % D4)
    assert 'caught-up majority' not in result['msg'] and 'waiting' not in result
    assert clock.sleeps == [] and len(kafka.sent) == 1 and changes(kafka) == []


def test_check_mode_without_a_leader_reports_nothing_added(kafka, clock):
    Quorum([(1, 200, D1), (2, 120, OLD), (3, 200, D3)], [(2, 195, NEW)], leader=-1).answer(kafka)
    result = run_module(kraft_voter, JOIN, check_mode=True, diff=True)
    assert not result['failed'] and result['changed'] is False
    assert result['removed'] == [] and result['added'] == []
    assert result['voters'] == result['voters_before'] == ['1:' + D1, '2:' + OLD, '3:' + D3]
    assert result['waiting'] == ['no quorum leader is elected (epoch 5)'] and result['leader_id'] is None
    assert result['diff']['before'] == result['diff']['after']
    assert changes(kafka) == [] and clock.sleeps == [] and len(kafka.sent) == 1


def test_check_mode_adds_a_lagging_observer_by_its_own_directory(kafka, clock):
    # Fetching but behind: not pending, so the replica the quorum shows is named, not a placeholder.
    Quorum([(1, 200, D1), (2, 120, OLD), (3, 200, D3)], [(2, 50, NEW)]).answer(kafka)
    result = run_module(kraft_voter, dict(JOIN, directory_id=None), check_mode=True)
    assert not result['failed'] and result['changed'] is True
    assert result['removed'] == ['2:' + OLD] and result['added'] == ['2:' + NEW]
    assert result['waiting'] == ['observer 2:%s lags the leader by 150 offsets (max_lag 100)' % NEW]
    assert changes(kafka) == [] and clock.sleeps == []


def test_check_mode_reports_a_refusal_as_a_failure(kafka, clock):
    Quorum([(1, 200, D1), (2, 120, OLD), (3, 200, D3)], [(2, 200, NEW), (2, 200, D4)]).answer(kafka)
    result = run_module(kraft_voter, dict(JOIN, directory_id=None), check_mode=True)
    assert result['failed'] and result['changed'] is False and 'give directory_id' in result['msg']
    assert result['removed'] == [] and result['added'] == [] and changes(kafka) == [] and clock.sleeps == []


def unreachable(address, request):
    return KafkaUnavailable('connect/handshake: KafkaConnectionError: 111 ECONNREFUSED')


def test_an_add_that_reaches_no_controller_after_the_removal_fails_as_changed(kafka, clock):
    lost_disk().answer(kafka)
    kafka.answer('AddRaftVoterRequest', unreachable)
    result = run_module(kraft_voter, JOIN)
    assert result['failed'] and result['changed'] is True and result['available'] is False
    assert result['removed'] == ['2:' + OLD] and result['added'] == []
    assert result['msg'].startswith("KRaft voters: stopped after removing 2:%s, KafkaUnavailable: AddRaftVoter "
                                    "failed on every bootstrap address (controller-1:9093: connect/handshake" % OLD)
    assert result['msg'].endswith('. Run again once the cause is fixed: it carries on from here.')
    assert [address for address, fields in sent(kafka, 'AddRaftVoterRequest')] == ADDRESSES
    assert changes(kafka) == ['RemoveRaftVoterRequest'] + ['AddRaftVoterRequest'] * 3


def test_an_unreachable_add_with_fail_on_unavailable_false_still_reports_the_removal(kafka, clock):
    lost_disk().answer(kafka)
    kafka.answer('AddRaftVoterRequest', unreachable)
    result = run_module(kraft_voter, dict(JOIN, fail_on_unavailable=False))
    assert not result['failed'] and result['changed'] is True and result['available'] is False
    assert result['removed'] == ['2:' + OLD] and result['added'] == []
    assert result['error'].startswith("KRaft voters: stopped after removing 2:%s, KafkaUnavailable: AddRaftVoter "
                                      "failed on every bootstrap address" % OLD)
    assert 'Run again' not in result['error']


def test_a_removal_refused_before_any_change_fails_unchanged(kafka, clock):
    lost_disk().answer(kafka)
    kafka.answer('RemoveRaftVoterRequest', remove_raft_voter_response(error_code=CLUSTER_AUTHORIZATION_FAILED))
    result = run_module(kraft_voter, dict(JOIN, fail_on_unavailable=False))
    assert result['failed'] and result['changed'] is False and result['available'] is True
    assert result['msg'] == ('KRaft voters: KafkaRefused: RemoveRaftVoter refused: error 31 '
                             '(CLUSTER_AUTHORIZATION_FAILED). Run again once the cause is fixed: it carries on '
                             'from here.')
    assert result['removed'] == [] and result['added'] == [] and changes(kafka) == ['RemoveRaftVoterRequest']


def test_an_unreachable_removal_before_any_change_is_reported_unchanged(kafka, clock):
    lost_disk().answer(kafka)
    kafka.answer('RemoveRaftVoterRequest', unreachable)
    result = run_module(kraft_voter, dict(JOIN, fail_on_unavailable=False))
    assert not result['failed'] and result['changed'] is False and result['available'] is False
    assert result['error'].startswith('KRaft voters: KafkaUnavailable: RemoveRaftVoter failed on every bootstrap '
                                      'address (controller-1:9093: connect/handshake')
    assert result['removed'] == [] and result['added'] == [] and 'AddRaftVoterRequest' not in changes(kafka)
    result = run_module(kraft_voter, JOIN)
    assert result['failed'] and result['changed'] is False and result['available'] is False


def test_a_run_after_a_change_that_stopped_half_way_carries_on_from_there(kafka, clock):
    quorum = lost_disk()
    quorum.answer(kafka)
    kafka.answer('AddRaftVoterRequest', unreachable)
    assert run_module(kraft_voter, JOIN)['removed'] == ['2:' + OLD]
    assert [voter[2] for voter in quorum.voters] == [D1, D3]
    kafka.answer('AddRaftVoterRequest', quorum.add)
    kafka.sent = []
    result = run_module(kraft_voter, JOIN)
    assert not result['failed'] and result['changed'] is True
    assert result['removed'] == [] and result['added'] == ['2:' + NEW]
    assert result['voters_before'] == ['1:' + D1, '3:' + D3] and result['voters'] == ['1:' + D1, '2:' + NEW, '3:' + D3]
    assert changes(kafka) == ['AddRaftVoterRequest']
