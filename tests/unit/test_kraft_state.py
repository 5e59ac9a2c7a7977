import base64
import uuid

import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils import kraft_state as ks


def quorum_response(leader=1, epoch=3, voters=((1, 100), (2, 100), (3, 90)), observers=((4, 100),), part_error=0):
    def replica(rid, leo):
        return {'replica_id': rid, 'replica_directory_id': 'f586501e-8ba5-24b1-f100-e32202b97caf',
                'log_end_offset': leo, 'last_fetch_timestamp': 1000, 'last_caught_up_timestamp': 900}
    return {'error_code': 0, 'error_message': '', 'topics': [{'topic_name': '__cluster_metadata', 'partitions': [{
        'partition_index': 0, 'error_code': part_error, 'error_message': '', 'leader_id': leader,
        'leader_epoch': epoch, 'high_watermark': 100,
        'current_voters': [replica(*v) for v in voters], 'observers': [replica(*o) for o in observers]}]}],
        'nodes': [{'node_id': 1, 'listeners': [{'name': 'CONTROLLER', 'host': 'c1', 'port': 9093}]}]}


def test_observer_ids_once_per_broker():
    # A reformatted broker shows up twice (old and new directory) until the old entry ages out.
    q = ks.shape_quorum(quorum_response(observers=((4, 100), (6, 90), (6, 100))), now_ms=1000)
    assert q['observer_ids'] == [4, 6] and len(q['observers']) == 3


def test_shape_quorum_lag_against_leader():
    q = ks.shape_quorum(quorum_response(), now_ms=1000)
    assert q['leader_id'] == 1 and q['leader_epoch'] == 3 and q['high_watermark'] == 100
    assert q['voter_ids'] == [1, 2, 3] and q['observer_ids'] == [4]
    assert [v['lag'] for v in q['voters']] == [0, 0, 10]
    assert q['max_voter_lag'] == 10
    assert q['voters'][0]['caught_up_ms_ago'] == 100
    assert q['voters'][0]['endpoints'] == ['CONTROLLER://c1:9093']
    assert q['voters'][0]['directory_id'] == '9YZQHoulJLHxAOMiArl8rw'


def test_no_leader_means_unknown_lag_and_a_problem():
    q = ks.shape_quorum(quorum_response(leader=-1))
    assert q['leader_id'] is None and q['max_voter_lag'] is None
    assert ks.quorum_problems(q, max_lag=5) == ['no quorum leader is elected (epoch 3)']


def test_quorum_problems_name_node_and_number():
    q = ks.shape_quorum(quorum_response())
    assert ks.quorum_problems(q, expected_voters=[1, 2, 3], max_lag=10) == []
    assert ks.quorum_problems(q, max_lag=5) == ['voter 3 lags the leader by 10 offsets (max_lag 5)']
    assert ks.quorum_problems(q, expected_voters=[1, 2, 5]) == [
        'expected voters [5] are not in the quorum (voters: [1, 2, 3])',
        'voters [3] are in the quorum but not expected (expected: [1, 2, 5])']
    assert ks.quorum_problems(q, not_leader=1) == ['node 1 is still the leader (epoch 3)']


def test_zero_directory_id_is_none():
    assert ks.directory_id_to_kafka('00000000-0000-0000-0000-000000000000') is None
    assert ks.directory_id_to_kafka(None) is None


def cluster_response(brokers):
    return {'error_code': 0, 'cluster_id': 'X', 'controller_id': 4,
            'brokers': [{'broker_id': b, 'host': 'h%s' % b, 'port': 9092, 'rack': None, 'is_fenced': f}
                        for b, f in brokers]}


def test_shape_cluster_and_broker_problems():
    c = ks.shape_cluster(cluster_response([(6, True), (4, False)]))
    assert c['broker_ids'] == [4, 6] and c['fenced_broker_ids'] == [6] and c['unfenced_broker_ids'] == [4]
    quorum = {'observer_ids': [4, 6]}
    assert ks.broker_problems(c, expected_brokers=[4, 5, 6], cluster_id='Y', quorum=quorum) == [
        'cluster id is X, expected Y',
        'broker 5 is not registered (registered: [4, 6])',
        'broker 6 is registered but fenced']
    assert ks.broker_problems(c, expected_brokers=[4], quorum={'observer_ids': []}) == [
        'broker 4 does not follow the metadata log (observers: [])']


def test_shape_partitions():
    response = {'brokers': [{'node_id': 4}, {'node_id': 5}], 'topics': [{'name': 't', 'partitions': [
        {'partition_index': 0, 'leader_id': 4, 'replica_nodes': [4, 5], 'isr_nodes': [4, 5]},
        {'partition_index': 1, 'leader_id': 5, 'replica_nodes': [4, 5], 'isr_nodes': [5]},
        {'partition_index': 2, 'leader_id': -1, 'replica_nodes': [6], 'isr_nodes': []}]}]}
    assert ks.shape_partitions(response) == {'partition_count': 3, 'under_replicated_partitions': ['t-1', 't-2'],
                                             'offline_partitions': ['t-2']}


def features_response(supported, finalized, epoch=10):
    return {'error_code': 0, 'finalized_features_epoch': epoch,
            'supported_features': [{'name': n, 'min_version': lo, 'max_version': hi} for n, (lo, hi) in supported.items()],
            'finalized_features': [{'name': n, 'max_version_level': lv, 'min_version_level': 1}
                                   for n, lv in finalized.items()]}


def test_shape_features_finalized_only_when_the_epoch_is_known():
    response = features_response({'metadata.version': (7, 27), 'kraft.version': (0, 1)}, {'metadata.version': 25})
    assert ks.shape_features(response) == dict(finalized_epoch=10, features={
        'metadata.version': dict(supported_min=7, supported_max=27, finalized=25),
        'kraft.version': dict(supported_min=0, supported_max=1, finalized=None)})
    at_zero = ks.shape_features(features_response({'group.version': (0, 1)}, {'group.version': 0}))
    assert at_zero['features']['group.version']['finalized'] is None
    unknown = ks.shape_features(dict(response, finalized_features_epoch=-1))
    assert unknown['finalized_epoch'] is None and unknown['features']['metadata.version']['finalized'] is None
    assert ks.feature_problems({'b1:9092': unknown}) == [
        'b1:9092 does not know the finalized feature levels yet (epoch -1)']


def test_shape_features_keeps_a_finalized_feature_the_node_does_not_support():
    features = ks.shape_features(features_response({}, {'eligible.leader.replicas.version': 1}))['features']
    assert features == {'eligible.leader.replicas.version': dict(supported_min=None, supported_max=None, finalized=1)}


def test_features_everywhere_is_the_intersection_of_the_ranges():
    nodes = dict((address, ks.shape_features(features_response(supported, {}))) for address, supported in (
        ('c1', {'metadata.version': (7, 27), 'kraft.version': (0, 1), 'share.version': (0, 1)}),
        ('b4', {'metadata.version': (10, 25), 'kraft.version': (0, 1), 'share.version': (2, 3)}),
        ('b5', {'metadata.version': (7, 27), 'kraft.version': (0, 1), 'share.version': (0, 3)})))
    # share.version: 0-1 and 2-3 do not overlap, so no level is supported everywhere.
    assert ks.features_everywhere(nodes) == {'metadata.version': dict(min=10, max=25), 'kraft.version': dict(min=0, max=1)}
    del nodes['b4']['features']['kraft.version']
    assert 'kraft.version' not in ks.features_everywhere(nodes)
    assert ks.features_everywhere({}) == {}


# --- Voter changes of a dynamic quorum (kraft_voter) ----------------------------------------
# Directory IDs as Kafka writes them: controllers 1 and 3, controller 2 before (OLD) and after
# (NEW) its disk was replaced, controller 4.
D1, OLD, NEW, D3, D4 = ('Ga77ft73n_BQn6RH_Qk8FA', 'wTx1rBEUPB0fyOVAwqpmqQ', 'gphqQFZ3ggTe22nJf_Jj0Q',
                        'cYFqVr_dVGamYbntAlQ0Vw', '8nE1X1zQKWRjFEA_E0QEyw')


def dynamic_quorum(leader=1, voters=((1, 200, D1), (2, 120, OLD), (3, 200, D3)), observers=((2, 195, NEW),)):
    """shape_quorum of a DescribeQuorum answer whose replicas each have their own directory ID
    ((id, log end offset, directory ID), sent as the UUID kafka-python decodes)."""
    def replica(rid, leo, directory):
        raw = base64.urlsafe_b64decode(directory + '==')
        return {'replica_id': rid, 'replica_directory_id': str(uuid.UUID(bytes=raw)), 'log_end_offset': leo,
                'last_fetch_timestamp': 1000, 'last_caught_up_timestamp': 900}
    return ks.shape_quorum({'error_code': 0, 'topics': [{'topic_name': '__cluster_metadata', 'partitions': [{
        'partition_index': 0, 'error_code': 0, 'leader_id': leader, 'leader_epoch': 7, 'high_watermark': 200,
        'current_voters': [replica(*v) for v in voters], 'observers': [replica(*o) for o in observers]}]}]})


def keys(plan):
    """A plan with its replicas as '<id>:<directory ID>'."""
    return dict(plan, remove=[ks.voter_key(v) for v in plan['remove']],
                add=ks.voter_key(plan['add']) if plan['add'] else None)


def test_voter_key_is_id_and_directory():
    assert ks.voter_key({'replica_id': 2, 'directory_id': NEW}) == '2:' + NEW
    assert ks.voter_key({'replica_id': 2}) == '2:None'
    quorum = dynamic_quorum()
    assert [ks.voter_key(v) for v in quorum['voters']] == ['1:' + D1, '2:' + OLD, '3:' + D3]
    assert [ks.voter_key(o) for o in quorum['observers']] == ['2:' + NEW]


def test_no_leader_only_waits():
    plan = ks.voter_plan(dynamic_quorum(leader=-1), 2, 'present', NEW)
    assert plan == dict(remove=[], add=None, waiting=['no quorum leader is elected (epoch 7)'], refused=[],
                        pending=False)
    assert ks.voter_plan(dynamic_quorum(leader=-1), 3, 'absent')['remove'] == []


def test_a_voter_with_the_same_directory_needs_nothing():
    quorum = dynamic_quorum(voters=((1, 200, D1), (2, 200, NEW), (3, 200, D3)), observers=((5, 200, D4),))
    nothing = dict(remove=[], add=None, waiting=[], refused=[], pending=False)
    assert ks.voter_plan(quorum, 2, 'present', NEW) == nothing
    # Without directory_id, a voter whose node shows no other directory is left alone.
    assert ks.voter_plan(quorum, 2, 'present') == nothing


@pytest.mark.parametrize('directory_id', [NEW, None])
def test_a_lost_disk_removes_the_old_directory_and_adds_the_caught_up_new_one(directory_id):
    plan = ks.voter_plan(dynamic_quorum(), 2, 'present', directory_id, max_lag=100)
    assert keys(plan) == dict(remove=['2:' + OLD], add='2:' + NEW, waiting=[], refused=[], pending=False)
    assert plan['add']['lag'] == 5


def test_a_lagging_observer_waits_but_the_plan_says_what_will_be_done():
    quorum = dynamic_quorum(observers=((2, 50, NEW),))
    assert keys(ks.voter_plan(quorum, 2, 'present', NEW, max_lag=100)) == dict(
        remove=['2:' + OLD], add='2:' + NEW, refused=[], pending=False,
        waiting=['observer 2:%s lags the leader by 150 offsets (max_lag 100)' % NEW])
    # A lag of exactly max_lag counts as caught up.
    assert ks.voter_plan(quorum, 2, 'present', NEW, max_lag=150)['waiting'] == []


def test_an_observer_without_a_log_end_offset_is_not_caught_up():
    plan = ks.voter_plan(dynamic_quorum(observers=((2, -1, NEW),)), 2, 'present', NEW)
    assert plan['waiting'] == ['observer 2:%s lags the leader by None offsets (max_lag 100)' % NEW]


def test_a_directory_not_fetching_yet_waits_and_the_old_voter_goes_first():
    # Only broker 5 fetches; the new directory of controller 2 is not seen yet.
    quorum = dynamic_quorum(observers=((5, 200, D4),))
    assert keys(ks.voter_plan(quorum, 2, 'present', NEW)) == dict(
        remove=['2:' + OLD], add=None, refused=[], pending=True,
        waiting=['node 2 (directory %s) does not fetch the metadata log as an observer yet' % NEW])
    # Another directory of node 2 fetching is not the one asked for.
    quorum = dynamic_quorum(observers=((2, 200, D4),))
    assert ks.voter_plan(quorum, 2, 'present', NEW)['add'] is None


def test_a_new_controller_not_fetching_yet_without_directory_id_waits():
    plan = ks.voter_plan(dynamic_quorum(observers=()), 4, 'present')
    assert plan == dict(remove=[], add=None, refused=[], pending=True,
                        waiting=['node 4 does not fetch the metadata log as an observer yet'])


def test_several_observed_directories_without_directory_id_are_refused():
    quorum = dynamic_quorum(observers=((2, 200, NEW), (2, 200, D4)))
    assert keys(ks.voter_plan(quorum, 2, 'present')) == dict(
        remove=[], add=None, waiting=[], pending=False,
        refused=["node 2 is observed with several directories ['2:%s', '2:%s']; give directory_id" % (NEW, D4)])
    # Naming the directory settles it.
    assert keys(ks.voter_plan(quorum, 2, 'present', D4))['add'] == '2:' + D4


@pytest.mark.parametrize('voter_3', [(3, 10, D3), (3, -1, D3)], ids=['behind', 'silent'])
def test_a_change_waits_while_the_voters_that_stay_are_not_a_caught_up_majority(voter_3):
    quorum = dynamic_quorum(voters=((1, 200, D1), (2, 120, OLD), voter_3))
    plan = ks.voter_plan(quorum, 2, 'present', NEW)
    assert keys(plan)['remove'] == ['2:' + OLD] and keys(plan)['add'] == '2:' + NEW
    assert plan['waiting'] == ["the voters that stay are not a caught-up majority: ['3:%s'] behind or silent of "
                               "['1:%s', '3:%s'] (max_lag 100)" % (D3, D1, D3)]


def test_one_voter_behind_of_four_that_stay_still_leaves_a_caught_up_majority():
    quorum = dynamic_quorum(voters=((1, 200, D1), (2, 120, OLD), (3, 10, D3), (4, 200, D4), (5, 200, NEW)),
                            observers=())
    # Removing 2 leaves 1, 3, 4 and 5: three of four caught up is a majority, two of four is not.
    assert ks.voter_plan(quorum, 2, 'absent', min_voters=3)['waiting'] == []
    two_behind = dynamic_quorum(voters=((1, 200, D1), (2, 120, OLD), (3, 10, D3), (4, 10, D4), (5, 200, NEW)),
                                observers=())
    assert len(ks.voter_plan(two_behind, 2, 'absent', min_voters=3)['waiting']) == 1


def test_a_new_controller_is_only_added():
    quorum = dynamic_quorum(voters=((1, 200, D1), (2, 200, NEW), (3, 200, D3)), observers=((4, 199, D4),))
    assert keys(ks.voter_plan(quorum, 4, 'present')) == dict(remove=[], add='4:' + D4, waiting=[], refused=[], pending=False)


FOUR = ((1, 200, D1), (2, 200, NEW), (3, 200, D3), (4, 200, D4))


def test_absent_removes_every_voter_of_the_node():
    assert keys(ks.voter_plan(dynamic_quorum(voters=FOUR), 4, 'absent')) == dict(
        remove=['4:' + D4], add=None, waiting=[], refused=[], pending=False)
    # Two directories of one node (never both voters in Kafka, but the plan does not assume it).
    both = dynamic_quorum(voters=FOUR + ((4, 200, OLD),), observers=())
    assert keys(ks.voter_plan(both, 4, 'absent'))['remove'] == ['4:' + D4, '4:' + OLD]
    assert keys(ks.voter_plan(both, 4, 'absent', OLD))['remove'] == ['4:' + OLD]


def test_absent_refuses_to_leave_fewer_than_min_voters():
    plan = ks.voter_plan(dynamic_quorum(voters=FOUR[:3], observers=()), 3, 'absent')
    assert keys(plan) == dict(remove=['3:' + D3], add=None, waiting=[], pending=False, refused=[
        "removing voter 3:%s would leave 2 voter(s) ['1:%s', '2:%s']; a quorum keeps at least 3 (min_voters)"
        % (D3, D1, NEW)])
    assert ks.voter_plan(dynamic_quorum(voters=FOUR[:3], observers=()), 3, 'absent', min_voters=2)['refused'] == []


def test_absent_of_a_node_that_is_not_a_voter_is_nothing():
    nothing = dict(remove=[], add=None, waiting=[], refused=[], pending=False)
    assert ks.voter_plan(dynamic_quorum(voters=FOUR[:3]), 4, 'absent') == nothing
    # An observer is not a voter, and another directory of a voter is not that voter.
    assert ks.voter_plan(dynamic_quorum(voters=FOUR[:3]), 2, 'absent', D4) == nothing
    assert ks.voter_plan(dynamic_quorum(voters=FOUR[:3], observers=((5, 200, D4),)), 5, 'absent') == nothing


def test_absent_waits_while_the_voters_that_stay_are_not_a_caught_up_majority():
    quorum = dynamic_quorum(voters=((1, 200, D1), (2, 10, NEW), (3, 10, D3), (4, 200, D4)), observers=())
    plan = ks.voter_plan(quorum, 4, 'absent')
    assert keys(plan)['remove'] == ['4:' + D4] and plan['refused'] == []
    assert plan['waiting'] == ["the voters that stay are not a caught-up majority: ['2:%s', '3:%s'] behind or silent "
                               "of ['1:%s', '2:%s', '3:%s'] (max_lag 100)" % (NEW, D3, D1, NEW, D3)]


def test_pending_is_only_a_replica_to_add_that_does_not_fetch_yet():
    # Not fetching yet: the old voter of the node goes first, the new directory joins once it fetches.
    assert ks.voter_plan(dynamic_quorum(observers=((5, 200, D4),)), 2, 'present', NEW)['pending'] is True
    # Another directory of the node fetching is not the one asked for: still pending.
    assert ks.voter_plan(dynamic_quorum(observers=((2, 200, D4),)), 2, 'present', NEW)['pending'] is True
    # A new controller, no directory ID given, nobody of its node in sight.
    assert ks.voter_plan(dynamic_quorum(observers=()), 4, 'present')['pending'] is True
    # Fetching, caught up or not, is not pending: the plan names the replica to add.
    for lagging in ((2, 195, NEW), (2, 50, NEW)):
        plan = ks.voter_plan(dynamic_quorum(observers=(lagging,)), 2, 'present', NEW)
        assert plan['pending'] is False and ks.voter_key(plan['add']) == '2:' + NEW
    # Waiting for a leader, a refusal, a voter already there, or leaving: never pending.
    assert ks.voter_plan(dynamic_quorum(leader=-1, observers=()), 2, 'present', NEW)['pending'] is False
    several = dynamic_quorum(observers=((2, 200, NEW), (2, 200, D4)))
    assert ks.voter_plan(several, 2, 'present')['pending'] is False
    assert ks.voter_plan(dynamic_quorum(observers=()), 2, 'present')['pending'] is False
    assert ks.voter_plan(dynamic_quorum(observers=()), 2, 'present', OLD)['pending'] is False
    assert ks.voter_plan(dynamic_quorum(voters=FOUR, observers=()), 4, 'absent')['pending'] is False
