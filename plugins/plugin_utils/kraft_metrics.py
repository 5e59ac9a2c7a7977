# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The health report per data path of playbooks/verify.yml (README "Metrics"), from one scrape
of every node (kafka_metrics_info's `endpoints`). Pure, unit-tested."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

# Requests a broker sends the controllers, as the controllers count them (RequestsPerSec).
BROKER_TO_CONTROLLER = ('BrokerRegistration', 'BrokerHeartbeat', 'AlterPartition', 'FetchFollower')
# Admin requests brokers forward to the active controller, counted there under their own names.
FORWARDED = ('CreateTopics', 'DeleteTopics', 'CreatePartitions', 'IncrementalAlterConfigs', 'AlterConfigs',
             'CreateAcls', 'DeleteAcls', 'AlterUserScramCredentials', 'AlterPartitionReassignments', 'ElectLeaders')


def _values(endpoint, name):
    return [sample['value'] for sample in ((endpoint or {}).get('series') or {}).get(name) or []]


def _first(endpoint, name, default=None):
    values = _values(endpoint, name)
    return values[0] if values else default


def _requests(endpoint, names):
    """{request: total} of kafka_network_requests_total over every version, for the names given."""
    totals = {}
    for sample in ((endpoint or {}).get('series') or {}).get('kafka_network_requests_total') or []:
        request = sample['labels'].get('request')
        if request in names:
            totals[request] = totals.get(request, 0) + int(sample['value'])
    return totals


def _p99(endpoint, request):
    for sample in ((endpoint or {}).get('series') or {}).get('kafka_network_request_total_time_ms') or []:
        if sample['labels'].get('request') == request and sample['labels'].get('stat') == '99thPercentile':
            return sample['value']
    return None


def _sum_dicts(dicts):
    total = {}
    for item in dicts:
        for key, value in item.items():
            total[key] = total.get(key, 0) + value
    return dict(sorted(total.items()))


def _fmt(value):
    if value is None:
        return 'n/a'
    return str(int(value)) if float(value).is_integer() else '%.1f' % value


def data_path_report(endpoints, controllers, brokers):
    """One line per data path. endpoints: {endpoint: kafka_metrics_info result}; controllers and
    brokers: {node id: endpoint}. A node whose endpoint did not answer is named, never guessed."""
    node = dict((node_id, endpoints.get(endpoint) or {}) for node_id, endpoint in
                list(controllers.items()) + list(brokers.items()))
    up = dict((node_id, bool(result.get('available'))) for node_id, result in node.items())
    ctl = [i for i in sorted(controllers) if up[i]]
    brk = [i for i in sorted(brokers) if up[i]]
    lines = []
    down = [i for i in sorted(node) if not up[i]]
    if down:
        lines.append('metrics not available from node(s) %s' % down)

    active = [i for i in ctl if _first(node[i], 'kafka_controller_active_controller_count') == 1]
    lines.append('controller leader election: %d active controller(s) %s among %d controller(s) reporting'
                 % (len(active), active, len(ctl)))

    watermarks = dict((i, _first(node[i], 'kafka_raft_high_watermark')) for i in ctl + brk)
    known = [v for v in watermarks.values() if v is not None]
    top = max(known) if known else None
    behind = dict((i, None if v is None or top is None else int(top - v)) for i, v in watermarks.items())
    lines.append('metadata replication: high watermark %s; records behind it: controllers %s, brokers %s'
                 % (_fmt(top), dict((i, behind[i]) for i in ctl), dict((i, behind[i]) for i in brk)))

    view = node[active[0]] if active else {}
    lines.append('broker heartbeats: %s of %d broker(s) active, %s fenced, %s heartbeat(s) timed out '
                 '(the active controller\'s view)'
                 % (_fmt(_first(view, 'kafka_controller_active_broker_count')), len(brokers),
                    _fmt(_first(view, 'kafka_controller_fenced_broker_count')),
                    _fmt(_first(view, 'kafka_controller_timed_out_broker_heartbeat_count'))))

    applied = dict((i, _first(node[i], 'kafka_broker_metadata_last_applied_record_offset')) for i in brk)
    lags = [v for v in (_first(node[i], 'kafka_broker_metadata_last_applied_record_lag_ms') for i in brk)
            if v is not None]
    lines.append('brokers\' applied metadata: last applied offsets %s, lag at most %s ms'
                 % (dict((i, _fmt(v)) for i, v in applied.items()), _fmt(max(lags) if lags else None)))

    lines.append('requests from brokers to the controllers (totals): %s'
                 % _sum_dicts(_requests(node[i], BROKER_TO_CONTROLLER) for i in ctl))

    urp = [v for v in (_first(node[i], 'kafka_server_under_replicated_partitions') for i in brk) if v is not None]
    shrinks = [v for v in (_first(node[i], 'kafka_server_isr_shrinks_total') for i in brk) if v is not None]
    replicated = [v for v in (_first(node[i], 'kafka_server_replication_bytes_in_total') for i in brk) if v is not None]
    lines.append('broker-to-broker replication: %s under-replicated partition(s), %s ISR shrink(s), %s bytes replicated in'
                 % (_fmt(sum(urp)) if urp else 'n/a', _fmt(sum(shrinks)) if shrinks else 'n/a',
                    _fmt(sum(replicated)) if replicated else 'n/a'))

    messages = [v for v in (_first(node[i], 'kafka_server_messages_in_total') for i in brk) if v is not None]
    produce = [v for v in (_p99(node[i], 'Produce') for i in brk) if v is not None]
    fetch = [v for v in (_p99(node[i], 'FetchConsumer') for i in brk) if v is not None]
    lines.append('client produce/fetch: %s message(s) in; p99 Produce %s ms, FetchConsumer %s ms (slowest broker)'
                 % (_fmt(sum(messages)) if messages else 'n/a', _fmt(max(produce) if produce else None),
                    _fmt(max(fetch) if fetch else None)))

    # The brokers' forwarding latencies mean nothing before the first forwarded request (an empty
    # histogram reports its top bucket): the queue length is what the report shows.
    queue = [v for v in (_first(node[i], 'kafka_server_forwarding_queue_length') for i in brk) if v is not None]
    lines.append('forwarded admin requests: served by the controllers %s; waiting in the brokers\' forwarding queues %s'
                 % (_sum_dicts(_requests(node[i], FORWARDED) for i in ctl), _fmt(sum(queue)) if queue else 'n/a'))
    return lines
