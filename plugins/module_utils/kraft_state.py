# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure functions that turn Kafka protocol responses into facts and check them.

No I/O here: everything is unit-tested with recorded response shapes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import uuid


def directory_id_to_kafka(value):
    """kafka-python renders a directory id as a UUID string; Kafka writes base64url (22 chars)."""
    if not value:
        return None
    try:
        raw = uuid.UUID(str(value)).bytes
    except ValueError:
        return str(value)
    if raw == bytes(16):
        return None
    return base64.urlsafe_b64encode(raw).decode('ascii').rstrip('=')


def _replica(replica, leader_end_offset, now_ms):
    def timestamp(name):
        stamp = replica.get(name)
        return stamp if stamp is not None and stamp >= 0 else None

    end_offset = replica.get('log_end_offset')
    lag = None
    if end_offset is not None and end_offset >= 0 and leader_end_offset is not None:
        lag = max(leader_end_offset - end_offset, 0)
    caught_up = timestamp('last_caught_up_timestamp')
    return dict(
        replica_id=replica['replica_id'],
        directory_id=directory_id_to_kafka(replica.get('replica_directory_id')),
        log_end_offset=end_offset,
        lag=lag,
        last_fetch_timestamp=timestamp('last_fetch_timestamp'),
        last_caught_up_timestamp=caught_up,
        caught_up_ms_ago=(now_ms - caught_up) if caught_up is not None and now_ms else None,
    )


def shape_quorum(response, now_ms=None):
    """DescribeQuorum response dict -> the facts kraft_quorum_info returns.

    A voter's lag is measured against the leader's own log end offset, as the leader reports it
    (the leader is one of the voters); when the leader is unknown, lag is unknown too.
    """
    if response.get('error_code'):
        raise ValueError('DescribeQuorum error %s: %s' % (response['error_code'], response.get('error_message')))
    partitions = [p for topic in response.get('topics', []) for p in topic.get('partitions', [])]
    if not partitions:
        raise ValueError('DescribeQuorum response holds no partition of the metadata log')
    part = partitions[0]
    if part.get('error_code'):
        raise ValueError('DescribeQuorum partition error %s: %s' % (part['error_code'], part.get('error_message')))
    leader_id = part.get('leader_id')
    if leader_id is None or leader_id < 0:
        leader_id = None
    leader_end = None
    for voter in part.get('current_voters', []):
        if leader_id is not None and voter['replica_id'] == leader_id:
            leader_end = voter.get('log_end_offset')
    voters = [_replica(v, leader_end, now_ms) for v in part.get('current_voters', [])]
    observers = [_replica(o, leader_end, now_ms) for o in part.get('observers', [])]
    endpoints = {}
    for node in response.get('nodes') or []:
        endpoints[node['node_id']] = ['%s://%s:%s' % (listener['name'], listener['host'], listener['port'])
                                      for listener in node.get('listeners', [])]
    for replica in voters + observers:
        if replica['replica_id'] in endpoints:
            replica['endpoints'] = endpoints[replica['replica_id']]
    lags = [v['lag'] for v in voters if v['lag'] is not None]
    return dict(
        leader_id=leader_id,
        # A dynamic quorum (kraft.version 1) knows each voter by node ID and directory ID.
        mode='dynamic' if voters and all(v['directory_id'] for v in voters) else 'static',
        leader_epoch=part.get('leader_epoch'),
        high_watermark=part.get('high_watermark'),
        voters=voters,
        voter_ids=sorted(v['replica_id'] for v in voters),
        observers=observers,
        observer_ids=sorted(set(o['replica_id'] for o in observers)),
        max_voter_lag=max(lags) if len(lags) == len(voters) and lags else None,
    )


def quorum_problems(quorum, expected_voters=None, max_lag=None, min_epoch=None, not_leader=None):
    """Every way the quorum falls short of the assertions, as sentences naming node and number."""
    problems = []
    if quorum['leader_id'] is None:
        problems.append('no quorum leader is elected (epoch %s)' % quorum['leader_epoch'])
    if expected_voters is not None:
        expected = sorted(set(expected_voters))
        missing = [n for n in expected if n not in quorum['voter_ids']]
        extra = [n for n in quorum['voter_ids'] if n not in expected]
        if missing:
            problems.append('expected voters %s are not in the quorum (voters: %s)' % (missing, quorum['voter_ids']))
        if extra:
            problems.append('voters %s are in the quorum but not expected (expected: %s)' % (extra, expected))
    if max_lag is not None and quorum['leader_id'] is not None:
        for voter in quorum['voters']:
            if voter['lag'] is None:
                problems.append('voter %s has not reported a log end offset yet' % voter['replica_id'])
            elif voter['lag'] > max_lag:
                problems.append('voter %s lags the leader by %s offsets (max_lag %s)'
                                % (voter['replica_id'], voter['lag'], max_lag))
    if min_epoch is not None and quorum['leader_epoch'] is not None and quorum['leader_epoch'] < min_epoch:
        problems.append('leader epoch %s is below %s' % (quorum['leader_epoch'], min_epoch))
    if not_leader is not None and quorum['leader_id'] == not_leader:
        problems.append('node %s is still the leader (epoch %s)' % (not_leader, quorum['leader_epoch']))
    return problems


def shape_cluster(response):
    """DescribeCluster response dict -> cluster id, controller and registered brokers."""
    if response.get('error_code'):
        raise ValueError('DescribeCluster error %s: %s' % (response['error_code'], response.get('error_message')))
    brokers = sorted(
        (dict(broker_id=b['broker_id'], host=b['host'], port=b['port'], rack=b.get('rack'),
              fenced=bool(b.get('is_fenced', False)))
         for b in response.get('brokers', [])),
        key=lambda b: b['broker_id'])
    return dict(
        cluster_id=response.get('cluster_id'),
        controller_id=response.get('controller_id'),
        brokers=brokers,
        broker_ids=[b['broker_id'] for b in brokers],
        unfenced_broker_ids=[b['broker_id'] for b in brokers if not b['fenced']],
        fenced_broker_ids=[b['broker_id'] for b in brokers if b['fenced']],
    )


def shape_partitions(response):
    """Metadata response dict -> partition health counts, and the partitions that are short."""
    brokers = set(b.get('node_id') for b in response.get('brokers', []))
    under_replicated = []
    offline = []
    total = 0
    for topic in response.get('topics', []):
        for part in topic.get('partitions', []):
            total += 1
            name = '%s-%s' % (topic.get('name'), part.get('partition_index'))
            if part.get('leader_id', -1) < 0 or part.get('leader_id') not in brokers:
                offline.append(name)
            if len(part.get('isr_nodes', [])) < len(part.get('replica_nodes', [])):
                under_replicated.append(name)
    return dict(partition_count=total, under_replicated_partitions=sorted(under_replicated),
                offline_partitions=sorted(offline))


def broker_problems(cluster, expected_brokers=None, cluster_id=None, quorum=None):
    problems = []
    if cluster_id is not None and cluster['cluster_id'] != cluster_id:
        problems.append('cluster id is %s, expected %s' % (cluster['cluster_id'], cluster_id))
    for broker_id in sorted(set(expected_brokers or [])):
        if broker_id not in cluster['broker_ids']:
            problems.append('broker %s is not registered (registered: %s)' % (broker_id, cluster['broker_ids']))
        elif broker_id in cluster['fenced_broker_ids']:
            problems.append('broker %s is registered but fenced' % broker_id)
        elif quorum is not None and broker_id not in quorum['observer_ids']:
            problems.append('broker %s does not follow the metadata log (observers: %s)'
                            % (broker_id, quorum['observer_ids']))
    return problems


def shape_features(response):
    """ApiVersions response dict (version 3+) -> the features of the node that answered:
    {features: {name: {supported_min, supported_max, finalized}}, finalized_epoch}.

    finalized is the cluster-wide max_version_level, None when the feature is not finalized (Kafka
    treats that as level 0) or when the node does not know the finalized levels yet (epoch -1:
    the levels it lists are not valid then). A feature finalized but not supported by this node has
    supported_min and supported_max None.
    """
    if response.get('error_code'):
        raise ValueError('ApiVersions error %s' % response['error_code'])
    epoch = response.get('finalized_features_epoch')
    if epoch is None or epoch < 0:
        epoch = None
    features = {}
    for feature in response.get('supported_features') or []:
        features[feature['name']] = dict(supported_min=feature['min_version'], supported_max=feature['max_version'],
                                         finalized=None)
    if epoch is not None:
        for feature in response.get('finalized_features') or []:
            entry = features.setdefault(feature['name'], dict(supported_min=None, supported_max=None, finalized=None))
            # Level 0 is how Kafka writes "not finalized" (UpdateFeatures lowers to 0 to remove one).
            entry['finalized'] = feature['max_version_level'] if feature['max_version_level'] > 0 else None
    return dict(features=features, finalized_epoch=epoch)


def features_everywhere(nodes):
    """{address: shape_features(...)} -> {name: {min, max}}: the levels every node supports, the
    range a finalization may move a feature within. A feature that some node does not support, or
    whose ranges do not overlap, is left out."""
    common = None
    for facts in nodes.values():
        ranges = dict((name, (f['supported_min'], f['supported_max'])) for name, f in facts['features'].items()
                      if f['supported_max'] is not None)
        if common is None:
            common = ranges
        else:
            common = dict((name, (max(low, ranges[name][0]), min(high, ranges[name][1])))
                          for name, (low, high) in common.items() if name in ranges)
    return dict((name, dict(min=low, max=high)) for name, (low, high) in sorted((common or {}).items()) if low <= high)


def feature_problems(nodes):
    """Nodes whose finalized levels cannot be read yet (a broker or controller still loading the
    metadata log), by address."""
    return ['%s does not know the finalized feature levels yet (epoch -1)' % address
            for address, facts in nodes.items() if facts['finalized_epoch'] is None]


def voter_key(replica):
    """'<id>:<directory ID>' of a voter or observer, how a dynamic quorum tells replicas apart."""
    return '%s:%s' % (replica['replica_id'], replica.get('directory_id'))


def _caught_up(replica, max_lag):
    return replica.get('lag') is not None and replica['lag'] <= max_lag


def voter_plan(quorum, node_id, state, directory_id=None, max_lag=100, min_voters=3):
    """What kraft_voter must do to the voter set of a dynamic quorum (a shape_quorum result), and
    what stands in the way. Returns dict(remove=[voters], add=replica or None, waiting=[...],
    refused=[...], pending): pending, the replica to add is not fetching yet; waiting are
    conditions a later look may find met (no leader yet, the new
    replica still catching up, too few caught-up voters); refused ones it will not (removing would
    leave fewer than min_voters, several directories to choose from).

    present: (node_id, directory_id) becomes a voter. The replica must be fetching as an observer
    and within max_lag of the leader; without directory_id, the one directory node_id is observed
    with. A voter with node_id and another directory ID (the same node before its disk was lost)
    is removed first: a voter set holds a node ID once. Every change is only made while the
    voters that stay are a caught-up majority.
    absent: every voter with node_id (and directory_id, when given) leaves the voter set.
    """
    plan = dict(remove=[], add=None, waiting=[], refused=[], pending=False)
    if quorum['leader_id'] is None:
        plan['waiting'].append('no quorum leader is elected (epoch %s)' % quorum['leader_epoch'])
        return plan
    voters = quorum['voters']
    same_node = [v for v in voters if v['replica_id'] == node_id]
    if state == 'absent':
        plan['remove'] = [v for v in same_node if directory_id is None or v.get('directory_id') == directory_id]
        if not plan['remove']:
            return plan
        staying = [v for v in voters if v not in plan['remove']]
        if len(staying) < min_voters:
            plan['refused'].append('removing voter %s would leave %d voter(s) %s; a quorum keeps at least %d '
                                   '(min_voters)' % (', '.join(voter_key(v) for v in plan['remove']), len(staying),
                                                     [voter_key(v) for v in staying], min_voters))
    else:
        if directory_id is not None and any(v.get('directory_id') == directory_id for v in same_node):
            return plan
        observed = [o for o in quorum['observers'] if o['replica_id'] == node_id
                    and (directory_id is None or o.get('directory_id') == directory_id)]
        if not observed:
            if directory_id is None and same_node:
                return plan  # a voter, and no other directory of it in sight
            plan['remove'] = same_node  # once it fetches, these go first
            plan['pending'] = True
            plan['waiting'].append('node %s%s does not fetch the metadata log as an observer yet'
                                   % (node_id, ' (directory %s)' % directory_id if directory_id else ''))
            return plan
        if len(observed) > 1:
            plan['refused'].append('node %s is observed with several directories %s; give directory_id'
                                   % (node_id, [voter_key(o) for o in observed]))
            return plan
        new = observed[0]
        if not _caught_up(new, max_lag):
            plan['waiting'].append('observer %s lags the leader by %s offsets (max_lag %s)'
                                   % (voter_key(new), new.get('lag'), max_lag))
        plan['remove'] = [v for v in same_node if v.get('directory_id') != new.get('directory_id')]
        plan['add'] = new
        staying = [v for v in voters if v not in plan['remove']]
    behind = [v for v in staying if not _caught_up(v, max_lag)]
    if staying and len(staying) - len(behind) <= len(staying) // 2:
        plan['waiting'].append('the voters that stay are not a caught-up majority: %s behind or silent of %s '
                               '(max_lag %s)' % ([voter_key(v) for v in behind], [voter_key(v) for v in staying],
                                                 max_lag))
    return plan
