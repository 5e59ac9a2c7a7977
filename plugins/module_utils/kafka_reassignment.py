# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure planner of partition replica reassignments: which replicas move to which broker, and
which replica of each partition is the preferred leader, so that the brokers carry even loads
with as little data movement as possible.

No I/O here: a module reads the current assignment, plans with plan_reassignment and submits
the target (AlterPartitionReassignments); everything is unit-tested with plain dicts.

How: replicas are placed by an exact minimum-cost flow whose costs are ordered strictly (one unit
of a term outweighs every possible sum of the terms below it):

    rack spread (hard) > replicas per broker within one of each other, all topics together
    > the same for each topic > replicas moved > leaders' replicas moved (a follower moves
    rather than the leader, whose leadership would have to change)

then the leaders are picked among each partition's replicas by a second flow:

    leaderships per broker within one of each other > leaderships changed (a new leader of a
    partition that moves data anyway counts half a reorder) > the same spread for each topic

Placing replicas and leaders at once is not a flow problem (no broker may hold the leader and a
follower of one partition), so the first placement may leave leaders that cannot be spread: two
partitions of replication factor 1 on one broker, say. Then fallback placements compete with it
(_step): leaders picked first, on any broker, with the replicas placed around them; and, with
mixed replication factors, each factor spread on its own (then each broker holds about 1/RF of a
leadership per replica of factor RF). The best by _candidate's score wins, and planning starts
again from the winner until nothing changes.

Idempotence: the balance terms depend only on where replicas end up, so the result of a plan
already scores the best balance with no move at all, which the exact flows give back unchanged;
after a fallback, plan_reassignment itself plans again until the result holds still. Each round
that changes anything improves the balance, so that ends.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import heapq
from collections import deque

# Rounds of planning again from the fallback's result; each round that changes anything improves
# the balance part of the score, so this is only a guard.
_ROUNDS = 20


class _Network:
    """A minimum-cost flow network, solved exactly by successive shortest paths (primal-dual):
    Dijkstra on reduced costs finds the length of the shortest augmenting path, then a blocking
    flow (Dinic) pushes along every path of that length at once. Arc costs must start
    non-negative. Deterministic: nodes and arcs are visited in the order they were added."""

    def __init__(self, size):
        self.arcs = [[] for dummy in range(size)]
        self.tail = []
        self.head = []
        self.cap = []
        self.cost = []

    def arc(self, tail, head, cap, cost):
        """Add tail -> head; returns its index, for flow() once solved."""
        index = len(self.head)
        for (u, v, c, w) in ((tail, head, cap, cost), (head, tail, 0, -cost)):
            self.arcs[u].append(len(self.head))
            self.tail.append(u)
            self.head.append(v)
            self.cap.append(c)
            self.cost.append(w)
        return index

    def flow(self, index):
        return self.cap[index ^ 1]

    def solve(self, source, sink):
        """Push the maximum flow from source to sink at the minimum cost."""
        potential = [0] * len(self.arcs)
        while True:
            distance = self._distances(source, sink, potential)
            if distance is None:
                return
            for node, d in enumerate(distance):
                potential[node] += d
            while self._blocking_flow(source, sink, potential):
                pass

    def _distances(self, source, sink, potential):
        """Reduced-cost distances from source, or None when the sink cannot be reached. Nodes not
        settled by the time the sink is get the sink's distance: reduced costs stay non-negative."""
        size = len(self.arcs)
        arcs, head, cap, cost = self.arcs, self.head, self.cap, self.cost
        distance = [None] * size
        settled = [False] * size
        distance[source] = 0
        queue = [(0, source)]
        while queue:
            d, u = heapq.heappop(queue)
            if settled[u]:
                continue
            settled[u] = True
            if u == sink:
                break
            base = d + potential[u]
            for e in arcs[u]:
                if cap[e] > 0:
                    v = head[e]
                    if not settled[v]:
                        dv = base + cost[e] - potential[v]
                        if distance[v] is None or dv < distance[v]:
                            distance[v] = dv
                            heapq.heappush(queue, (dv, v))
        if not settled[sink]:
            return None
        far = distance[sink]
        return [distance[v] if settled[v] else far for v in range(size)]

    def _blocking_flow(self, source, sink, potential):
        """One Dinic round over the arcs of reduced cost 0; False when the sink is out of reach."""
        arcs, tail, head, cap, cost = self.arcs, self.tail, self.head, self.cap, self.cost
        level = [-1] * len(arcs)
        level[source] = 0
        queue = deque([source])
        while queue:
            u = queue.popleft()
            if 0 <= level[sink] <= level[u]:
                break  # deeper nodes lead nowhere the sink's level does not already reach
            reach = potential[u]
            for e in arcs[u]:
                v = head[e]
                if level[v] < 0 < cap[e] and cost[e] + reach == potential[v]:
                    level[v] = level[u] + 1
                    queue.append(v)
        if level[sink] < 0:
            return False
        pointer = [0] * len(arcs)
        path = []
        u = source
        while True:
            if u == sink:
                amount = min(cap[e] for e in path)
                for e in path:
                    cap[e] -= amount
                    cap[e ^ 1] += amount
                # Back to the tail of the first arc this filled.
                first = [cap[e] for e in path].index(0)
                u = tail[path[first]]
                del path[first:]
                continue
            out = arcs[u]
            next_level = level[u] + 1
            reach = potential[u]
            while pointer[u] < len(out):
                e = out[pointer[u]]
                v = head[e]
                if level[v] == next_level and cap[e] > 0 and cost[e] + reach == potential[v]:
                    break
                pointer[u] += 1
            if pointer[u] < len(out):
                e = out[pointer[u]]
                path.append(e)
                u = head[e]
            elif u == source:
                return True
            else:
                level[u] = -1  # a dead end: never entered again this round
                u = tail[path.pop()]
                pointer[u] += 1


def _bounded(network, tail, head, low, high, unbounded, weight):
    """Arcs tail -> head whose cost punishes every unit of flow outside [low, high] by weight.
    Kept non-negative: weight is added to every unit, which shifts all flows of the same total
    alike (all of it goes through one such group of arcs)."""
    if low:
        network.arc(tail, head, low, 0)
    if high > low:
        network.arc(tail, head, high - low, weight)
    network.arc(tail, head, unbounded, 2 * weight)


def _even(total, bins):
    """The fewest and most of total that each of bins holds when spread within one."""
    low = total // bins
    return low, low + (1 if total % bins else 0)


def _excess(values, total, bins):
    """How far values (one per bin) are from total spread within one: units below or above."""
    if not bins:
        return 0
    low, high = _even(total, bins)
    return sum(max(0, low - value) + max(0, value - high) for value in values)


def _counters(network, units, brokers, sink, first_node, topic_weight, broker_weight):
    """Nodes that count flow units per (topic, broker) and per broker, each count held within one
    across the brokers (weight per unit outside). units: {topic: units of that topic}. Returns
    ({(topic, broker): node}, the next free node)."""
    total = sum(units.values())
    broker_node = dict((broker, first_node + i) for i, broker in enumerate(brokers))
    low, high = _even(total, len(brokers))
    for broker in brokers:
        _bounded(network, broker_node[broker], sink, low, high, total, broker_weight)
    node = first_node + len(brokers)
    topic_node = {}
    for topic in sorted(units):
        low, high = _even(units[topic], len(brokers))
        for broker in brokers:
            topic_node[topic, broker] = node
            _bounded(network, node, broker_node[broker], low, high, total, topic_weight)
            node += 1
    return topic_node, node


def _rack_aware(brokers, racks):
    """{broker: rack} when every broker has a rack, else None (Kafka ignores partial racks too)."""
    if not racks or not brokers:
        return None
    if any(not racks.get(broker) for broker in brokers):
        return None
    return dict((broker, racks[broker]) for broker in brokers)


def _place(partitions, brokers, rack_of, pins=None, by_factor=False):
    """[(topic, partition, replicas)] -> the brokers of each partition after the plan (sorted), by
    one minimum-cost flow: source -> partition (its replication factor) -> [rack of the
    partition] -> (topic, broker) -> broker -> sink.

    pins: {index in partitions: broker} that should hold a replica of that partition (the
    leaders the fallback picked); honoured below rack spread and global balance, above the rest.
    by_factor: spread the partitions of each replication factor rather than of each topic (the
    fallback's: then every broker holds about 1/RF of a leadership per replica, see
    plan_reassignment).
    """
    pins = pins or {}
    total = sum(len(replicas) for dummy, dummy, replicas in partitions)
    if not total:
        return []
    follower = 1  # keeping a follower costs a little more than keeping the leader: move followers first
    move = total * follower + 1
    topic_weight = total * move + 1
    pin_weight = total * (move + 2 * topic_weight) + 1
    broker_weight = total * (move + 2 * topic_weight + pin_weight) + 1
    rack_weight = total * (move + 2 * topic_weight + pin_weight + 2 * broker_weight) + 1
    rack_names = sorted(set(rack_of.values())) if rack_of else [None]
    rack_brokers = dict((rack, [b for b in brokers if rack_of is None or rack_of[b] == rack]) for rack in rack_names)
    units = {}
    groups = [('replication factor', len(replicas)) if by_factor else topic for topic, dummy, replicas in partitions]
    for group, (dummy, dummy, replicas) in zip(groups, partitions):
        units[group] = units.get(group, 0) + len(replicas)

    source, sink = 0, 1
    per_partition = 1 + (len(rack_names) if rack_of else 0)
    network = _Network(2 + len(brokers) * (1 + len(units)) + len(partitions) * per_partition)
    topic_node, first_partition = _counters(network, units, brokers, sink, 2, topic_weight, broker_weight)
    chosen = []
    for i, (group, (dummy, dummy, replicas)) in enumerate(zip(groups, partitions)):
        node = first_partition + i * per_partition
        network.arc(source, node, len(replicas), 0)
        holders = set(replicas)
        arcs = []
        for r, rack in enumerate(rack_names):
            via = node
            if rack_of:
                # As many distinct racks as the replication factor allows: one replica per rack
                # when it is at most the number of racks, else at least one on every rack.
                via = node + 1 + r
                spare = len(replicas) - len(rack_names)
                network.arc(node, via, 1, 0)
                if spare > 0:
                    network.arc(node, via, min(spare, len(rack_brokers[rack]) - 1), rack_weight)
            for broker in rack_brokers[rack]:
                cost = (0 if broker == replicas[0] else follower) if broker in holders else move
                if i in pins and pins[i] != broker:
                    cost += pin_weight
                arcs.append((broker, network.arc(via, topic_node[group, broker], 1, cost)))
        chosen.append(arcs)
    network.solve(source, sink)
    return [sorted(broker for broker, index in arcs if network.flow(index)) for arcs in chosen]


def _lead(partitions, lists, brokers, anywhere=False):
    """The preferred leader of each partition ([(topic, partition, replicas before)]) among its
    replicas after placement (lists), by one minimum-cost flow: source -> partition ->
    (topic, broker) -> broker -> sink.

    anywhere: any broker may lead, one outside the list at the cost of a move; the fallback uses
    it to find leaders the placement must then include.
    """
    count = len(partitions)
    if not count:
        return []
    topic_weight = 1
    change = 2 * count * topic_weight + 1
    move = 4 * count * change + 1
    broker_weight = count * (3 * move + 2 * topic_weight) + 1
    units = {}
    for topic, dummy, dummy in partitions:
        units[topic] = units.get(topic, 0) + 1
    # Leading outside the list adds a replica there; where the broker (or the topic on it) is
    # full already, another replica will have to leave it: count that as a second move.
    held = {}
    topic_total = {}
    for (topic, dummy, dummy), after in zip(partitions, lists):
        topic_total[topic] = topic_total.get(topic, 0) + len(after)
        for broker in after:
            held[broker] = held.get(broker, 0) + 1
            held[topic, broker] = held.get((topic, broker), 0) + 1
    full = _even(sum(topic_total.values()), len(brokers))[1]
    topic_full = dict((topic, _even(total, len(brokers))[1]) for topic, total in topic_total.items())

    source, sink = 0, 1
    network = _Network(2 + len(brokers) * (1 + len(units)) + count)
    topic_node, first_partition = _counters(network, units, brokers, sink, 2, topic_weight, broker_weight)
    chosen = []
    for i, ((topic, dummy, before), after) in enumerate(zip(partitions, lists)):
        node = first_partition + i
        network.arc(source, node, 1, 0)
        # Keeping the leader is free; a new leader of a partition that moves data anyway costs
        # half of a reorder, which is a change of its own.
        moving = sorted(set(before)) != sorted(after)
        arcs = []
        for broker in brokers if anywhere else after:
            if broker == before[0] and broker in after:
                cost = 0
            elif broker in after:
                cost = change * (1 if moving else 2)
            else:
                cost = move * (1 + (held.get(broker, 0) >= full) + (held.get((topic, broker), 0) >= topic_full[topic]))
            arcs.append((broker, network.arc(node, topic_node[topic, broker], 1, cost)))
        chosen.append(arcs)
    network.solve(source, sink)
    return [[broker for broker, index in arcs if network.flow(index)][0] for arcs in chosen]


def _substitute(replicas, chosen):
    """The replica list with each replica that leaves replaced, in its place, by one that comes
    (the newcomers in broker order): replicas that stay keep their positions."""
    staying = set(chosen)
    coming = [broker for broker in chosen if broker not in replicas]
    result = []
    for broker in replicas:
        if broker in staying:
            staying.discard(broker)
            result.append(broker)
        else:
            result.append(coming.pop(0))
    return result


def _candidate(partitions, placed, brokers, rack_of):
    """Replica lists (leader first) for the placement, and how good they are: (partitions off
    their racks, replicas outside the even spread, leaderships outside it, replicas of each topic
    outside its spread, replicas moved, partitions changed), the smaller the better."""
    lists = [_substitute(replicas, chosen) for (dummy, dummy, replicas), chosen in zip(partitions, placed)]
    leaders = _lead(partitions, lists, brokers)
    lists = [[leader] + [b for b in after if b != leader] for after, leader in zip(lists, leaders)]
    rack_count = len(set(rack_of.values())) if rack_of else 0
    replicas = dict((broker, 0) for broker in brokers)
    leads = dict((broker, 0) for broker in brokers)
    per_topic = {}
    off_racks = moved = changed = 0
    for (topic, dummy, before), after in zip(partitions, lists):
        counts = per_topic.setdefault(topic, dict((broker, 0) for broker in brokers))
        for broker in after:
            replicas[broker] += 1
            counts[broker] += 1
        leads[after[0]] += 1
        if rack_of and len(set(rack_of[b] for b in after)) < min(len(after), rack_count):
            off_racks += 1
        moved += len(set(after) - set(before))
        changed += after != before
    score = (off_racks, _excess(replicas.values(), sum(replicas.values()), len(brokers)),
             _excess(leads.values(), len(lists), len(brokers)),
             sum(_excess(c.values(), sum(c.values()), len(brokers)) for c in per_topic.values()), moved, changed)
    return score, lists, replicas, leads


def _score(candidate):
    return candidate[0]


def _step(partitions, brokers, rack_of):
    """The best candidate for partitions ([(topic, partition, replicas now)]), and whether it is
    settled: the exact placement with leaders spread within one, which planning from it again
    gives back unchanged. When its leaders cannot be spread, placements with leaders picked
    first (anywhere: among the replicas of that placement, or of now) and pinned, a placement
    that spreads each replication factor, and the placement as it is (when valid: it keeps each
    round from getting worse) compete on the score; the winner is not settled:
    plan_reassignment plans again from it until nothing changes."""
    best = _candidate(partitions, _place(partitions, brokers, rack_of), brokers, rack_of)
    if not best[0][2]:
        return best, True
    now = [sorted(set(replicas)) for dummy, dummy, replicas in partitions]
    # Leaders picked among the replicas of the placement, or among those of now.
    for lists in (best[1], now):
        leaders = _lead(partitions, lists, brokers, anywhere=True)
        pinned = _place(partitions, brokers, rack_of, pins=dict(enumerate(leaders)))
        best = min(best, _candidate(partitions, pinned, brokers, rack_of), key=_score)
    if len(set(len(replicas) for dummy, dummy, replicas in partitions)) > 1:
        best = min(best, _candidate(partitions, _place(partitions, brokers, rack_of, by_factor=True), brokers,
                                    rack_of), key=_score)
    if all(len(chosen) == len(replicas) and set(chosen) <= set(brokers)
           for chosen, (dummy, dummy, replicas) in zip(now, partitions)):
        best = min(best, _candidate(partitions, now, brokers, rack_of), key=_score)
    return best, False


def _spread_problem(what, counts, brokers, rack_of):
    values = [counts[broker] for broker in brokers]
    if not values or max(values) - min(values) <= 1:
        return []
    return ['%s cannot be spread within one of each other over brokers %s%s: %s per broker'
            % (what, brokers, ' while each partition spans as many racks as it can' if rack_of else '',
               dict((broker, counts[broker]) for broker in brokers))]


def plan_reassignment(assignment, brokers, racks=None, exclude=()):
    """Plan the replica reassignment that balances the partitions of assignment over brokers.

    assignment: {topic: {partition: [broker ids, the first the preferred leader]}}, as it is now.
    brokers: the brokers that may hold replicas (registered, unfenced, not being drained).
    racks: {broker: rack or None}; only when every broker of brokers has one, the replicas of a
    partition go to as many distinct racks as its replication factor allows.
    exclude: brokers to empty (a decommission); whatever sits on them, or on any broker outside
    brokers, moves.

    Returns dict(target={topic: {partition: replicas}} of the partitions whose list changes,
    moves=[dict(topic, partition, before, after, moved, reordered)] sorted by topic and partition
    (moved: the brokers that receive a replica; reordered: only the order changed, no data
    moves), problems=[sentences]). The target keeps every replication factor, leaves every
    replica that may stay where it is, puts within one of each other the replicas per broker
    (all topics together, and each topic as far as that allows) and the preferred leaderships
    per broker. Problems: a replication factor above the number of brokers (that partition is
    left out of the plan), and a spread within one that racks (or, for leaders, the fallback)
    could not reach; the target is then the nearest the planner got to it.

    The fewest moves are exact when the first placement's leaders can be spread: always when all
    partitions share one replication factor r (a placement within one leaves every broker
    between r * floor(P / N) and r * ceil(P / N) replicas, so a leadership of 1/r per replica is
    within one, and a bipartite assignment has a whole solution whenever it has a fractional
    one). With mixed replication factors the fallback may be needed: its moves are the fewest it
    found, which a search over every placement sometimes beats by one, and a topic may be left
    two apart on some broker where the search would find it within one.
    """
    excluded = set(exclude)
    allowed = sorted(set(brokers) - excluded)
    problems = []
    partitions = []
    for topic in sorted(assignment):
        for partition in sorted(assignment[topic]):
            replicas = list(assignment[topic][partition])
            if len(replicas) > len(allowed):
                problems.append('partition %s-%s has replication factor %d, more than the %d broker(s) that may hold '
                                'replicas %s' % (topic, partition, len(replicas), len(allowed), allowed))
            elif replicas:
                partitions.append((topic, partition, replicas))
    rack_of = _rack_aware(allowed, racks)
    current = partitions
    for dummy in range(_ROUNDS):
        best, settled = _step(current, allowed, rack_of)
        lists = best[1]
        if settled or lists == [replicas for dummy, dummy, replicas in current]:
            break
        current = [(topic, partition, after) for (topic, partition, dummy), after in zip(partitions, lists)]
    dummy, lists, replica_count, leader_count = best

    target = {}
    moves = []
    for (topic, partition, before), after in zip(partitions, lists):
        if after != before:
            target.setdefault(topic, {})[partition] = after
            moved = sorted(set(after) - set(before))
            moves.append(dict(topic=topic, partition=partition, before=before, after=after, moved=moved,
                              reordered=not moved))
    problems.extend(_spread_problem('replicas', replica_count, allowed, rack_of))
    problems.extend(_spread_problem('preferred leaders', leader_count, allowed, rack_of))
    return dict(target=target, moves=moves, problems=problems)


def balance_report(assignment, brokers):
    """{broker: {'replicas': n, 'leaders': n}} for every broker of brokers (0 when it holds
    nothing) and every other broker that still holds a replica (a drained broker shows here)."""
    report = dict((broker, dict(replicas=0, leaders=0)) for broker in brokers)
    for partitions in assignment.values():
        for replicas in partitions.values():
            for position, broker in enumerate(replicas):
                entry = report.setdefault(broker, dict(replicas=0, leaders=0))
                entry['replicas'] += 1
                if position == 0:
                    entry['leaders'] += 1
    return report


def is_balanced(assignment, brokers):
    """Every replica on brokers, and the replicas and preferred leaderships per broker within one
    of each other. Global counts only: a plan may still move replicas to spread a topic or honour
    racks."""
    allowed = set(brokers)
    report = balance_report(assignment, brokers)
    if any(entry['replicas'] for broker, entry in report.items() if broker not in allowed):
        return False
    for key in ('replicas', 'leaders'):
        values = [report[broker][key] for broker in allowed]
        if values and max(values) - min(values) > 1:
            return False
    return True
