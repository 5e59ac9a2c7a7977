import itertools
import random

import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils import kafka_reassignment as kr


# --- Helpers: what a plan does to an assignment, counted independently of the planner -------

def apply(assignment, plan):
    """The assignment once the plan's target is carried out."""
    result = dict((topic, dict(partitions)) for topic, partitions in assignment.items())
    for topic, partitions in plan['target'].items():
        result[topic].update(partitions)
    return result


def counts(assignment, brokers, topic=None, leaders=False):
    """Replicas (or preferred leaderships) per broker of brokers, of one topic or of all."""
    result = dict((broker, 0) for broker in brokers)
    for name, partitions in assignment.items():
        if topic is None or name == topic:
            for replicas in partitions.values():
                for broker in replicas[:1] if leaders else replicas:
                    if broker in result:
                        result[broker] += 1
    return result


def spread(count):
    return max(count.values()) - min(count.values())


def replicas_moved(plan):
    return sum(len(move['moved']) for move in plan['moves'])


def minimum_moves(assignment, brokers):
    """A lower bound of the replica moves that leave every broker within one of the others, from
    the counts alone: whatever sits outside brokers moves; of the rest, each broker keeps at most
    its share, the larger shares going to the brokers that hold most. Exact for one topic without
    racks when every replica sits on brokers: a broker above its share always holds a partition
    that one below its share lacks. (Replicas that must leave other brokers may find too few
    partitions a broker lacks: one more move then.)"""
    total = sum(len(r) for partitions in assignment.values() for r in partitions.values())
    held = counts(assignment, brokers)
    outside = total - sum(held.values())
    low, extra = divmod(total, len(brokers))
    shares = [low + 1] * extra + [low] * (len(brokers) - extra)
    return outside + sum(max(0, count - share) for count, share in zip(sorted(held.values(), reverse=True), shares))


def round_robin(partitions, brokers, rf, start=0):
    """Kafka's own layout: the replicas of partition p on consecutive brokers from p + start."""
    return dict((p, [brokers[(p + start + i) % len(brokers)] for i in range(rf)]) for p in range(partitions))


def check_plan(before, plan, brokers, exclude=(), racks=None):
    """The invariants of every plan without problems; returns the assignment after it."""
    after = apply(before, plan)
    allowed = sorted(set(brokers) - set(exclude))
    rack_count = len(set(racks[b] for b in allowed)) if racks else 0
    for topic, partitions in before.items():
        for partition, replicas in partitions.items():
            new = after[topic][partition]
            assert len(new) == len(replicas), (topic, partition, new)
            assert len(set(new)) == len(new), (topic, partition, new)
            assert set(new) <= set(allowed), (topic, partition, new)
            if racks:
                assert len(set(racks[b] for b in new)) == min(len(new), rack_count), (topic, partition, new)
    expected = []
    for topic in sorted(plan['target']):
        for partition in sorted(plan['target'][topic]):
            old, new = before[topic][partition], plan['target'][topic][partition]
            assert old != new, (topic, partition)
            moved = sorted(set(new) - set(old))
            expected.append(dict(topic=topic, partition=partition, before=old, after=new, moved=moved,
                                 reordered=not moved))
    assert plan['moves'] == expected
    assert spread(counts(after, allowed)) <= 1
    assert spread(counts(after, allowed, leaders=True)) <= 1
    assert kr.is_balanced(after, allowed)
    again = kr.plan_reassignment(after, brokers, racks=racks, exclude=exclude)
    assert again == dict(target={}, moves=[], problems=[]), 'planning again changes %s' % again['moves']
    return after


# --- Simple cases ---------------------------------------------------------------------------

def test_empty_cluster():
    nothing = dict(target={}, moves=[], problems=[])
    assert kr.plan_reassignment({}, []) == nothing
    assert kr.plan_reassignment({}, [1, 2, 3]) == nothing
    assert kr.plan_reassignment({'t': {}}, [1, 2, 3], racks={1: 'a', 2: 'b', 3: 'c'}) == nothing
    assert kr.balance_report({}, [1, 2]) == {1: dict(replicas=0, leaders=0), 2: dict(replicas=0, leaders=0)}
    assert kr.is_balanced({}, [1, 2]) and kr.is_balanced({}, [])


def test_a_balanced_cluster_needs_nothing():
    assignment = {'orders': round_robin(6, [1, 2, 3], 3), 'events': round_robin(3, [1, 2, 3], 3, start=1)}
    assert kr.is_balanced(assignment, [1, 2, 3])
    nothing = dict(target={}, moves=[], problems=[])
    assert kr.plan_reassignment(assignment, [1, 2, 3]) == nothing
    assert kr.plan_reassignment(assignment, [3, 1, 2], racks={1: 'a', 2: 'b', 3: 'c'}) == nothing


def test_adding_a_fourth_broker_moves_the_fewest_replicas():
    before = {'orders': round_robin(12, [1, 2, 3], 3)}
    brokers = [1, 2, 3, 4]
    plan = kr.plan_reassignment(before, brokers)
    assert plan['problems'] == []
    after = check_plan(before, plan, brokers)
    assert counts(after, brokers) == {1: 9, 2: 9, 3: 9, 4: 9}
    assert minimum_moves(before, brokers) == 9
    assert replicas_moved(plan) == 9
    # Each data move is one replica to broker 4, in place of the one it replaces.
    data = [move for move in plan['moves'] if move['moved']]
    assert len(data) == 9 and all(move['moved'] == [4] for move in data)
    assert all(len(set(move['before']) - set(move['after'])) == 1 for move in data)


def test_leaders_spread_after_adding_a_broker():
    before = {'orders': round_robin(12, [1, 2, 3], 3)}
    plan = kr.plan_reassignment(before, [1, 2, 3, 4])
    after = apply(before, plan)
    assert counts(before, [1, 2, 3, 4], leaders=True) == {1: 4, 2: 4, 3: 4, 4: 0}
    assert counts(after, [1, 2, 3, 4], leaders=True) == {1: 3, 2: 3, 3: 3, 4: 3}
    # Broker 4 leads partitions that move to it anyway: no partition is only reordered.
    assert [move for move in plan['moves'] if move['reordered']] == []
    assert kr.balance_report(after, [1, 2, 3, 4]) == dict((b, dict(replicas=9, leaders=3)) for b in [1, 2, 3, 4])


def test_leaders_of_balanced_replicas_spread_by_reorders_only():
    # Replicas are balanced but broker 1 leads every partition: only the order changes.
    before = {'orders': dict((p, [1, 2, 3]) for p in range(6))}
    plan = kr.plan_reassignment(before, [1, 2, 3])
    after = check_plan(before, plan, [1, 2, 3])
    assert counts(after, [1, 2, 3], leaders=True) == {1: 2, 2: 2, 3: 2}
    assert len(plan['moves']) == 4 and all(m['reordered'] and m['moved'] == [] for m in plan['moves'])
    assert replicas_moved(plan) == 0


def test_the_preferred_leader_stays_unless_it_must_change():
    before = {'t': {0: [3, 1], 1: [3, 2], 2: [1, 2]}}
    plan = kr.plan_reassignment(before, [1, 2, 3, 4])
    after = check_plan(before, plan, [1, 2, 3, 4])
    # 6 replicas on 4 brokers: one moves to broker 4; 3 leaders on 4 brokers: broker 3 gives one up.
    assert replicas_moved(plan) == minimum_moves(before, [1, 2, 3, 4]) == 1
    assert len(plan['moves']) == 1
    (move,) = plan['moves']
    assert move['moved'] == [4] and move['after'][0] == 4 and move['before'][0] == 3
    untouched = [p for p in before['t'] if p != move['partition']]
    assert [after['t'][p] for p in untouched] == [before['t'][p] for p in untouched]


def test_a_follower_that_moves_leaves_the_leader_and_the_order():
    before = {'t': {0: [1, 2], 1: [2, 3], 2: [3, 1]}}
    plan = kr.plan_reassignment(before, [1, 2, 3, 4])
    check_plan(before, plan, [1, 2, 3, 4])
    (move,) = plan['moves']
    # Leaders are even already (one each of 1, 2, 3): the new replica takes the follower's place.
    assert move['after'][0] == move['before'][0] and move['after'][1] == 4
    # A drained replica is replaced where it stood; the others keep their places.
    plan = kr.plan_reassignment({'t': {0: [1, 3, 2]}}, [1, 3, 4], exclude=[2])
    assert plan['target'] == {'t': {0: [1, 3, 4]}}


def test_decommission_empties_the_broker_and_balances_the_rest():
    before = {'orders': round_robin(12, [1, 2, 3, 4], 3), 'events': round_robin(4, [1, 2, 3, 4], 2, start=2)}
    plan = kr.plan_reassignment(before, [1, 3, 4], exclude=[2])
    assert plan['problems'] == []
    after = check_plan(before, plan, [1, 3, 4], exclude=[2])
    assert counts(after, [2]) == {2: 0}
    report = kr.balance_report(after, [1, 3, 4])
    assert sorted(report) == [1, 3, 4]  # broker 2 holds nothing any more
    # 44 replicas and 16 partitions over 3 brokers.
    assert sorted(entry['replicas'] for entry in report.values()) == [14, 15, 15]
    assert sorted(entry['leaders'] for entry in report.values()) == [5, 5, 6]
    # The brokers that stay were even: only the 11 replicas of broker 2 move.
    assert kr.balance_report(before, [1, 3, 4])[2] == dict(replicas=11, leaders=4)
    assert replicas_moved(plan) == minimum_moves(before, [1, 3, 4]) == 11
    assert not kr.is_balanced(before, [1, 3, 4])


def test_replicas_on_an_unregistered_broker_move_too():
    before = {'t': {0: [9, 1], 1: [2, 3]}}
    plan = kr.plan_reassignment(before, [1, 2, 3])
    after = check_plan(before, plan, [1, 2, 3])
    # The replica on 9 moves to broker 2 or 3 (not 1, which holds the other replica); nothing else moves.
    assert 1 in after['t'][0] and set(after['t'][0]) & {2, 3}
    assert replicas_moved(plan) == 1 and after['t'][1] == [2, 3]


def test_replication_factor_above_the_broker_count_is_a_problem():
    before = {'big': {0: [1, 2, 3], 1: [1, 2]}, 'small': {0: [1], 1: [1]}}
    plan = kr.plan_reassignment(before, [1, 2], exclude=[3])
    assert plan['problems'] == [
        'partition big-0 has replication factor 3, more than the 2 broker(s) that may hold replicas [1, 2]']
    assert 0 not in plan['target'].get('big', {})
    # The others are still planned: small-0 and small-1 both on broker 1, one of them moves.
    assert sorted(r[0] for r in apply(before, plan)['small'].values()) == [1, 2]
    assert kr.plan_reassignment({'t': {0: [1]}}, []) == dict(target={}, moves=[], problems=[
        'partition t-0 has replication factor 1, more than the 0 broker(s) that may hold replicas []'])


# --- Racks ----------------------------------------------------------------------------------

def test_racks_spread_each_partition_over_every_rack():
    racks = {1: 'a', 2: 'a', 3: 'b', 4: 'b', 5: 'c', 6: 'c'}
    brokers = [1, 2, 3, 4, 5, 6]
    # Everything on brokers 1, 2 and 3: two replicas of each partition on rack a.
    before = {'orders': dict((p, [1, 2, 3] if p % 2 else [2, 3, 1]) for p in range(12))}
    plan = kr.plan_reassignment(before, brokers, racks=racks)
    assert plan['problems'] == []
    after = check_plan(before, plan, brokers, racks=racks)
    for replicas in after['orders'].values():
        assert sorted(racks[b] for b in replicas) == ['a', 'b', 'c']
    assert counts(after, brokers) == dict((b, 6) for b in brokers)
    assert replicas_moved(plan) == minimum_moves(before, brokers) == 18
    # Without racks, balance alone leaves two replicas on rack a in some partitions.
    plain = apply(before, kr.plan_reassignment(before, brokers))
    assert any(len(set(racks[b] for b in replicas)) < 3 for replicas in plain['orders'].values())


def test_racks_fewer_than_the_replication_factor_each_hold_one_at_least():
    racks = {1: 'a', 2: 'a', 3: 'b', 4: 'b'}
    before = {'t': dict((p, [1, 2, 3] if p % 2 else [3, 4, 1]) for p in range(4)), 'u': {0: [1, 2], 1: [1, 2]}}
    plan = kr.plan_reassignment(before, [1, 2, 3, 4], racks=racks)
    assert plan['problems'] == []
    after = check_plan(before, plan, [1, 2, 3, 4], racks=racks)
    assert all(set(racks[b] for b in r) == {'a', 'b'} for t in after.values() for r in t.values())


def test_racks_are_covered_even_where_balance_would_not_move_anything():
    # Even and each topic even, but each partition sits on one rack of two.
    racks = {1: 'a', 2: 'a', 3: 'a', 4: 'b', 5: 'b', 6: 'b'}
    before = {'t': {0: [1, 2, 3], 1: [4, 5, 6], 2: [2, 3, 1], 3: [5, 6, 4]}}
    assert kr.plan_reassignment(before, [1, 2, 3, 4, 5, 6]) == dict(target={}, moves=[], problems=[])
    plan = kr.plan_reassignment(before, [1, 2, 3, 4, 5, 6], racks=racks)
    after = check_plan(before, plan, [1, 2, 3, 4, 5, 6], racks=racks)
    assert all(set(racks[b] for b in r) == {'a', 'b'} for r in after['t'].values())
    assert replicas_moved(plan) == 4  # one replica of each partition crosses over


def test_a_replication_factor_two_above_the_rack_count_still_covers_every_rack():
    # RF 4 on 3 racks of 2: at most 2 per rack allows racks a and b alone; every rack must hold one.
    racks = {1: 'a', 2: 'a', 3: 'b', 4: 'b', 5: 'c', 6: 'c'}
    before = {'t': {0: [1, 2, 3, 4], 1: [3, 4, 5, 6], 2: [5, 6, 1, 2]}}
    assert kr.plan_reassignment(before, [1, 2, 3, 4, 5, 6]) == dict(target={}, moves=[], problems=[])
    plan = kr.plan_reassignment(before, [1, 2, 3, 4, 5, 6], racks=racks)
    after = check_plan(before, plan, [1, 2, 3, 4, 5, 6], racks=racks)
    assert all(set(racks[b] for b in r) == {'a', 'b', 'c'} for r in after['t'].values())
    assert replicas_moved(plan) == 3


def test_a_broker_without_a_rack_turns_racks_off():
    before = {'orders': dict((p, [1, 2]) for p in range(4))}
    racks = {1: 'a', 2: 'a', 3: 'b', 4: None}
    plan = kr.plan_reassignment(before, [1, 2, 3, 4], racks=racks)
    assert plan == kr.plan_reassignment(before, [1, 2, 3, 4])
    after = check_plan(before, plan, [1, 2, 3, 4])
    assert replicas_moved(plan) == minimum_moves(before, [1, 2, 3, 4]) == 4
    # Racks off: two partitions move whole and two keep [1, 2], on rack a alone.
    assert sum(set(r) == {1, 2} for r in after['orders'].values()) == 2
    # With broker 4 on rack b, every partition keeps one replica on rack a and gains one on b.
    racks[4] = 'b'
    aware = kr.plan_reassignment(before, [1, 2, 3, 4], racks=racks)
    after = check_plan(before, aware, [1, 2, 3, 4], racks=racks)
    assert all(sorted(racks[b] for b in r) == ['a', 'b'] for r in after['orders'].values())
    assert replicas_moved(aware) == 4


def test_uneven_racks_that_cannot_balance_are_a_problem():
    # Broker 4 is alone on rack b: with RF 2 it holds a replica of every partition.
    racks = {1: 'a', 2: 'a', 3: 'a', 4: 'b'}
    before = {'t': dict((p, [1, 2]) for p in range(4))}
    plan = kr.plan_reassignment(before, [1, 2, 3, 4], racks=racks)
    after = apply(before, plan)
    assert all(sorted(racks[b] for b in r) == ['a', 'b'] for r in after['t'].values())
    assert plan['problems'] == [
        "replicas cannot be spread within one of each other over brokers [1, 2, 3, 4] while each partition spans "
        "as many racks as it can: %s per broker" % counts(after, [1, 2, 3, 4])]
    assert counts(after, [4]) == {4: 4}
    # The leaders still spread, one each: broker 3 must hold a replica, so one partition moves
    # both of its replicas (4 moves would leave broker 3 empty).
    assert counts(after, [1, 2, 3, 4], leaders=True) == {1: 1, 2: 1, 3: 1, 4: 1}
    assert spread(counts(after, [1, 2, 3])) == 1
    assert replicas_moved(plan) == 5


# --- Each topic -----------------------------------------------------------------------------

def test_each_topic_spreads_too():
    # All of each topic on broker 1: global balance alone could give a whole topic to one broker.
    before = dict((name, dict((p, [1]) for p in range(4))) for name in ('a', 'b', 'c'))
    brokers = [1, 2, 3, 4]
    plan = kr.plan_reassignment(before, brokers)
    after = check_plan(before, plan, brokers)
    for name in ('a', 'b', 'c'):
        assert counts(after, brokers, topic=name) == {1: 1, 2: 1, 3: 1, 4: 1}
    assert replicas_moved(plan) == minimum_moves(before, brokers) == 9


def test_globally_balanced_but_not_per_topic_moves_the_fewest_to_spread_each_topic():
    before = {'a': {0: [1], 1: [1]}, 'b': {0: [2], 1: [2]}}
    assert kr.is_balanced(before, [1, 2])
    plan = kr.plan_reassignment(before, [1, 2])
    after = check_plan(before, plan, [1, 2])
    assert counts(after, [1, 2], topic='a') == {1: 1, 2: 1} and counts(after, [1, 2], topic='b') == {1: 1, 2: 1}
    assert replicas_moved(plan) == 2


# --- Leaders that the first placement cannot spread ------------------------------------------

def test_partitions_of_replication_factor_one_on_one_broker_are_parted_for_their_leaders():
    # Replicas are within one (2, 2, 1, 1, 1) and each topic is even, but brokers 1 and 7 each
    # hold two partitions they alone can lead: 5 leaderships on 5 brokers need another layout.
    before = {'t0': {0: [1], 2: [11], 4: [7]}, 't1': {1: [7, 1], 3: [10, 6]}}
    brokers = [1, 6, 7, 10, 11]
    # pylint: disable-next=protected-access
    first = kr._candidate(kr_partitions(before), kr._place(kr_partitions(before), brokers, None), brokers, None)
    assert first[0][2] > 0  # the exact placement alone cannot spread the leaders: the fallback is used
    plan = kr.plan_reassignment(before, brokers)
    assert plan['problems'] == []
    after = check_plan(before, plan, brokers)
    assert counts(after, brokers, leaders=True) == dict((b, 1) for b in brokers)
    # The fewest: one partition of replication factor 1 moves to broker 6 or 10, as a search over
    # every placement finds too.
    assert lexicographic_best(before, brokers) == (0, 0, 0, 1)
    assert replicas_moved(plan) == 1
    assert [move['moved'] for move in plan['moves'] if move['moved']] in ([[6]], [[10]])


def kr_partitions(assignment):
    return [(topic, partition, list(assignment[topic][partition]))
            for topic in sorted(assignment) for partition in sorted(assignment[topic])]


def test_planning_again_after_the_fallback_changes_nothing():
    # The fallback's first winner here is not where planning settles: plan_reassignment plans
    # again from it within the same call, so that a second call finds nothing to do.
    before = {'a': {0: [9], 2: [2], 3: [9], 5: [2], 7: [4]}, 'b': {1: [1, 4], 4: [3, 1], 6: [3]}}
    plan = kr.plan_reassignment(before, [1, 2, 3, 4])
    assert plan['problems'] == []
    check_plan(before, plan, [1, 2, 3, 4])


# --- Determinism and the reports ------------------------------------------------------------

def test_deterministic_and_independent_of_insertion_order():
    before = {'orders': round_robin(10, [1, 2, 3], 2), 'events': round_robin(7, [1, 2, 3], 3, start=2),
              'logs': round_robin(5, [1, 2, 3], 1)}
    racks = {1: 'a', 2: 'b', 3: 'c', 4: 'a', 5: 'b', 6: 'c'}
    first = kr.plan_reassignment(before, [1, 2, 3, 4, 5, 6], racks=racks)
    assert kr.plan_reassignment(before, [1, 2, 3, 4, 5, 6], racks=racks) == first
    backwards = dict((topic, dict(reversed(list(before[topic].items())))) for topic in reversed(list(before)))
    second = kr.plan_reassignment(backwards, [6, 5, 4, 3, 2, 1], racks=dict(reversed(list(racks.items()))))
    assert second == first and second['moves'] == first['moves']
    assert [(m['topic'], m['partition']) for m in first['moves']] == sorted(
        (m['topic'], m['partition']) for m in first['moves'])
    check_plan(before, first, [1, 2, 3, 4, 5, 6], racks=racks)


def test_balance_report_counts_drained_brokers_and_is_balanced_needs_them_empty():
    assignment = {'t': {0: [1, 2], 1: [2, 5]}}
    assert kr.balance_report(assignment, [1, 2]) == {1: dict(replicas=1, leaders=1), 2: dict(replicas=2, leaders=1),
                                                     5: dict(replicas=1, leaders=0)}
    assert not kr.is_balanced(assignment, [1, 2])
    assert kr.is_balanced({'t': {0: [1, 2], 1: [2, 1]}}, [1, 2])
    # Replicas within one, but leaders two apart.
    assert not kr.is_balanced({'t': {0: [1, 2], 1: [1, 2]}}, [1, 2])
    # Replicas two apart.
    assert not kr.is_balanced({'t': {0: [1, 2], 1: [2, 1]}}, [1, 2, 3])


# --- Against a search over every placement --------------------------------------------------

def lexicographic_best(before, brokers):
    """By brute force over every placement and leader: the least (replicas outside the even
    spread, leaderships outside it, replicas of each topic outside its spread, replicas moved)."""
    keys = [(t, p) for t in sorted(before) for p in sorted(before[t])]
    choices = [[(chosen, leader) for chosen in itertools.combinations(brokers, len(before[t][p])) for leader in chosen]
               for t, p in keys]

    def excess(values, total):
        low, high = total // len(brokers), -(-total // len(brokers))
        return sum(max(0, low - v) + max(0, v - high) for v in values)

    best = None
    for combo in itertools.product(*choices):
        per_broker = dict((b, 0) for b in brokers)
        leaders = dict((b, 0) for b in brokers)
        per_topic = {}
        moves = 0
        for (t, p), (chosen, leader) in zip(keys, combo):
            moves += len(set(chosen) - set(before[t][p]))
            leaders[leader] += 1
            for b in chosen:
                per_broker[b] += 1
                per_topic.setdefault(t, dict((x, 0) for x in brokers))[b] += 1
        score = (excess(per_broker.values(), sum(per_broker.values())), excess(leaders.values(), len(keys)),
                 sum(excess(c.values(), sum(c.values())) for c in per_topic.values()), moves)
        best = score if best is None or score < best else best
    return best


def small_case(seed, one_rf):
    rng = random.Random(seed)
    brokers = list(range(1, rng.randint(2, 4) + 1))
    rf = dict((topic, rng.randint(1, min(2, len(brokers)))) for topic in 'ab')
    if one_rf:
        rf['b'] = rf['a']
    before = {}
    for p in range(rng.randint(1, 5 if len(brokers) < 4 else 4)):  # the search stays quick
        topic = rng.choice('ab')
        before.setdefault(topic, {})[p] = rng.sample(brokers + [9], rf[topic] if one_rf else rng.randint(1, rf[topic]))
    return before, brokers


@pytest.mark.parametrize('seed', range(60))
def test_one_replication_factor_moves_the_fewest_a_search_finds(seed):
    before, brokers = small_case(seed, one_rf=True)
    plan = kr.plan_reassignment(before, brokers)
    after = check_plan(before, plan, brokers)
    assert lexicographic_best(before, brokers) == (0, 0, lexicographic_best(after, brokers)[2], replicas_moved(plan))


@pytest.mark.parametrize('seed', range(60))
def test_mixed_replication_factors_reach_the_balance_a_search_finds(seed):
    before, brokers = small_case(seed, one_rf=False)
    plan = kr.plan_reassignment(before, brokers)
    after = check_plan(before, plan, brokers)
    best = lexicographic_best(before, brokers)
    assert best[:2] == (0, 0) and lexicographic_best(after, brokers)[2] == best[2]
    assert replicas_moved(plan) >= best[3]


# --- Random clusters ------------------------------------------------------------------------

def random_case(rng, mixed=False):
    """3 to 7 brokers (some IDs left out), a drained broker or stray replicas now and then, equal
    racks now and then, 1 to 40 partitions of 1 to 3 topics of replication factor 1 to 3 (mixed:
    each partition its own, up to its topic's)."""
    size = rng.randint(3, 7)
    ids = rng.sample(range(1, 13), size + 2)
    brokers, gone = sorted(ids[:size]), ids[size:]
    exclude = gone[:1] if rng.random() < 0.4 else []
    pool = brokers + gone if rng.random() < 0.5 else brokers[:max(3, size - 1)]
    racks = None
    if size in (4, 6) and rng.random() < 0.4:
        rack_count = rng.choice([2, 3]) if size == 6 else 2
        racks = dict((b, 'rack%d' % (i % rack_count)) for i, b in enumerate(brokers))
    topics = ['t%d' % i for i in range(rng.randint(1, 3))]
    rf = dict((topic, rng.randint(1, 3)) for topic in topics)
    before = {}
    for p in range(rng.randint(1, 40)):
        topic = topics[p % len(topics)]
        before.setdefault(topic, {})[p] = rng.sample(pool, rng.randint(1, rf[topic]) if mixed else rf[topic])
    return before, brokers, exclude, racks


@pytest.mark.parametrize('chunk', range(6))
def test_random_clusters_keep_every_invariant(chunk):
    for seed in range(chunk * 50, chunk * 50 + 50):
        before, brokers, exclude, racks = random_case(random.Random(seed))
        plan = kr.plan_reassignment(before, brokers, racks=racks, exclude=exclude)
        assert plan['problems'] == [], (seed, plan['problems'])
        after = check_plan(before, plan, brokers, exclude=exclude, racks=racks)
        for gone in exclude:
            assert counts(after, [gone]) == {gone: 0}, seed
        assert kr.plan_reassignment(before, brokers, racks=racks, exclude=exclude) == plan, seed
        if racks is None:
            for topic in before:
                assert spread(counts(after, brokers, topic=topic)) <= 1, (seed, topic)
            if len(before) == 1 and all(set(r) <= set(brokers) for r in before[list(before)[0]].values()):
                assert replicas_moved(plan) == minimum_moves(before, brokers), seed
        assert replicas_moved(plan) >= minimum_moves(before, sorted(set(brokers) - set(exclude))), seed


@pytest.mark.parametrize('chunk', range(2))
def test_random_clusters_of_mixed_replication_factors_keep_every_invariant(chunk):
    for seed in range(chunk * 50, chunk * 50 + 50):
        before, brokers, exclude, racks = random_case(random.Random(seed), mixed=True)
        plan = kr.plan_reassignment(before, brokers, racks=racks, exclude=exclude)
        assert plan['problems'] == [], (seed, plan['problems'])
        after = check_plan(before, plan, brokers, exclude=exclude, racks=racks)
        for gone in exclude:
            assert counts(after, [gone]) == {gone: 0}, seed


# --- The flow solver ------------------------------------------------------------------------

def reference_min_cost_flow(size, arcs, source, sink):
    """Successive shortest paths with Bellman-Ford, one path at a time: slow and plain."""
    graph = []
    for tail, head, cap, cost in arcs:
        graph.append([tail, head, cap, cost])
        graph.append([head, tail, 0, -cost])
    flow = cost_total = 0
    while True:
        dist = [None] * size
        via = [None] * size
        dist[source] = 0
        for dummy in range(size):
            for index, (tail, head, cap, cost) in enumerate(graph):
                if cap > 0 and dist[tail] is not None and (dist[head] is None or dist[tail] + cost < dist[head]):
                    dist[head] = dist[tail] + cost
                    via[head] = index
        if dist[sink] is None:
            return flow, cost_total
        amount, node = None, sink
        while node != source:
            arc = graph[via[node]]
            amount = arc[2] if amount is None else min(amount, arc[2])
            node = arc[0]
        node = sink
        while node != source:
            graph[via[node]][2] -= amount
            graph[via[node] ^ 1][2] += amount
            node = graph[via[node]][0]
        flow += amount
        cost_total += amount * dist[sink]


@pytest.mark.parametrize('seed', range(30))
def test_the_flow_solver_is_a_minimum_cost_maximum_flow(seed):
    rng = random.Random(seed)
    size = rng.randint(3, 9)
    arcs = [(rng.randrange(size), rng.randrange(size), rng.randint(0, 4), rng.randint(0, 6))
            for dummy in range(rng.randint(2, 25))]
    arcs = [arc for arc in arcs if arc[0] != arc[1]]
    network = kr._Network(size)  # pylint: disable=protected-access
    indices = [network.arc(*arc) for arc in arcs]
    network.solve(0, size - 1)
    flows = [network.flow(index) for index in indices]
    assert all(0 <= f <= arc[2] for f, arc in zip(flows, arcs))
    for node in range(1, size - 1):
        assert sum(f for f, a in zip(flows, arcs) if a[1] == node) == sum(f for f, a in zip(flows, arcs) if a[0] == node)
    out = sum(f for f, a in zip(flows, arcs) if a[0] == 0) - sum(f for f, a in zip(flows, arcs) if a[1] == 0)
    assert (out, sum(f * a[3] for f, a in zip(flows, arcs))) == reference_min_cost_flow(size, arcs, 0, size - 1)
