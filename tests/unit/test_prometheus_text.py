"""prometheus_text: parse_samples and select on the text exposition format (0.0.4) as the JMX
exporter's agent (1.0.1) serves it on a Kafka node, and on the format's corner cases."""
import math

import pytest

from ansible_collections.kafkaops.kraft.plugins.module_utils.prometheus_text import parse_samples, select

# An excerpt of what jmx_prometheus_javaagent 1.0.1 serves on a KRaft broker: the exporter's own
# series, the JVM's (client_java naming: E notation for large values, `1` for info series, single
# quotes inside pool names), counters with _total, a summary's _count/_sum, and a few Kafka series
# as the roles' rules name them: 48 lines, 21 samples, line 13 blank.
JMX_EXPORTER_EXCERPT = '''\
# HELP jmx_config_reload_failure_total Number of times configuration have failed to be reloaded.
# TYPE jmx_config_reload_failure_total counter
jmx_config_reload_failure_total 0.0
# HELP jmx_exporter_build_info JMX Exporter build information
# TYPE jmx_exporter_build_info gauge
jmx_exporter_build_info{name="jmx_prometheus_javaagent",version="1.0.1"} 1
# HELP jmx_scrape_duration_seconds Time this JMX scrape took, in seconds.
# TYPE jmx_scrape_duration_seconds gauge
jmx_scrape_duration_seconds 0.031447689
# HELP jmx_scrape_error Non-zero if this scrape failed.
# TYPE jmx_scrape_error gauge
jmx_scrape_error 0.0

# HELP jvm_gc_collection_seconds Time spent in a given JVM garbage collector in seconds.
# TYPE jvm_gc_collection_seconds summary
jvm_gc_collection_seconds_count{gc="G1 Young Generation"} 11
jvm_gc_collection_seconds_sum{gc="G1 Young Generation"} 0.082
jvm_gc_collection_seconds_count{gc="G1 Old Generation"} 0
jvm_gc_collection_seconds_sum{gc="G1 Old Generation"} 0.0
# HELP jvm_memory_max_bytes Max (bytes) of a given JVM memory area.
# TYPE jvm_memory_max_bytes gauge
jvm_memory_max_bytes{area="heap"} 1.073741824E9
jvm_memory_max_bytes{area="nonheap"} -1.0
# HELP jvm_memory_pool_used_bytes Used bytes of a given JVM memory pool.
# TYPE jvm_memory_pool_used_bytes gauge
jvm_memory_pool_used_bytes{pool="CodeHeap 'non-nmethods'"} 1601152.0
jvm_memory_pool_used_bytes{pool="G1 Old Gen"} 1.7644936E7
# HELP jvm_memory_used_bytes Used bytes of a given JVM memory area.
# TYPE jvm_memory_used_bytes gauge
jvm_memory_used_bytes{area="heap"} 3.0227848E7
jvm_memory_used_bytes{area="nonheap"} 6.2382552E7
# HELP jvm_runtime_info JVM runtime info
# TYPE jvm_runtime_info gauge
jvm_runtime_info{runtime="OpenJDK Runtime Environment",vendor="Eclipse Adoptium",version="21.0.4+7-LTS"} 1
# HELP jvm_threads_started_total Started thread count of a JVM
# TYPE jvm_threads_started_total counter
jvm_threads_started_total 118.0
# HELP kafka_server_brokertopicmetrics_messages_in_total Attribute exposed for management \
kafka.server:name=MessagesInPerSec,type=BrokerTopicMetrics,attribute=Count
# TYPE kafka_server_brokertopicmetrics_messages_in_total counter
kafka_server_brokertopicmetrics_messages_in_total 48213.0
kafka_server_brokertopicmetrics_messages_in_total{topic="orders"} 48210.0
kafka_server_brokertopicmetrics_messages_in_total{topic="__consumer_offsets"} 3.0
# HELP kafka_server_under_replicated_partitions Attribute exposed for management \
kafka.server:name=UnderReplicatedPartitions,type=ReplicaManager,attribute=Value
# TYPE kafka_server_under_replicated_partitions gauge
kafka_server_under_replicated_partitions 0.0
# HELP kafka_controller_active_controller_count Attribute exposed for management \
kafka.controller:name=ActiveControllerCount,type=KafkaController,attribute=Value
# TYPE kafka_controller_active_controller_count gauge
kafka_controller_active_controller_count 0.0
'''

EXCERPT_SAMPLES = [
    ('jmx_config_reload_failure_total', {}, 0.0),
    ('jmx_exporter_build_info', {'name': 'jmx_prometheus_javaagent', 'version': '1.0.1'}, 1.0),
    ('jmx_scrape_duration_seconds', {}, 0.031447689),
    ('jmx_scrape_error', {}, 0.0),
    ('jvm_gc_collection_seconds_count', {'gc': 'G1 Young Generation'}, 11.0),
    ('jvm_gc_collection_seconds_sum', {'gc': 'G1 Young Generation'}, 0.082),
    ('jvm_gc_collection_seconds_count', {'gc': 'G1 Old Generation'}, 0.0),
    ('jvm_gc_collection_seconds_sum', {'gc': 'G1 Old Generation'}, 0.0),
    ('jvm_memory_max_bytes', {'area': 'heap'}, 1073741824.0),
    ('jvm_memory_max_bytes', {'area': 'nonheap'}, -1.0),
    ('jvm_memory_pool_used_bytes', {'pool': "CodeHeap 'non-nmethods'"}, 1601152.0),
    ('jvm_memory_pool_used_bytes', {'pool': 'G1 Old Gen'}, 17644936.0),
    ('jvm_memory_used_bytes', {'area': 'heap'}, 30227848.0),
    ('jvm_memory_used_bytes', {'area': 'nonheap'}, 62382552.0),
    ('jvm_runtime_info', {'runtime': 'OpenJDK Runtime Environment', 'vendor': 'Eclipse Adoptium',
                          'version': '21.0.4+7-LTS'}, 1.0),
    ('jvm_threads_started_total', {}, 118.0),
    ('kafka_server_brokertopicmetrics_messages_in_total', {}, 48213.0),
    ('kafka_server_brokertopicmetrics_messages_in_total', {'topic': 'orders'}, 48210.0),
    ('kafka_server_brokertopicmetrics_messages_in_total', {'topic': '__consumer_offsets'}, 3.0),
    ('kafka_server_under_replicated_partitions', {}, 0.0),
    ('kafka_controller_active_controller_count', {}, 0.0),
]


# --- parse_samples: the JMX exporter's exposition ------------------------------------------

def test_jmx_exporter_excerpt_every_sample_in_order():
    assert parse_samples(JMX_EXPORTER_EXCERPT) == EXCERPT_SAMPLES


def test_jmx_exporter_excerpt_sample_count_skips_help_type_and_blank_lines():
    assert len(parse_samples(JMX_EXPORTER_EXCERPT)) == 21


def test_values_are_floats_and_labels_dicts():
    for name, labels, value in parse_samples(JMX_EXPORTER_EXCERPT):
        assert isinstance(value, float) and not isinstance(value, bool)
        assert isinstance(labels, dict)


def test_empty_exposition_has_no_samples():
    assert parse_samples('') == []
    assert parse_samples('\n\n') == []
    assert parse_samples('# HELP up x\n# TYPE up gauge\n') == []


# --- Metric lines with and without labels --------------------------------------------------

def test_metric_without_labels():
    assert parse_samples('jvm_threads_current 33.0\n') == [('jvm_threads_current', {}, 33.0)]


def test_metric_with_empty_label_set():
    assert parse_samples('jvm_threads_current{} 33.0\n') == [('jvm_threads_current', {}, 33.0)]


def test_metric_with_several_labels_and_a_trailing_comma():
    text = 'kafka_network_requestmetrics_requests_total{request="Fetch",version="17",} 991.0\n'
    assert parse_samples(text) == [
        ('kafka_network_requestmetrics_requests_total', {'request': 'Fetch', 'version': '17'}, 991.0)]


def test_label_values_keep_spaces_commas_braces_and_equals_signs():
    text = 'm{a="x, y",b="{z}",c="k=v w"} 2\n'
    assert parse_samples(text) == [('m', {'a': 'x, y', 'b': '{z}', 'c': 'k=v w'}, 2.0)]


def test_label_values_keep_utf8():
    assert parse_samples('m{principal="User:müller"} 1\n') == [('m', {'principal': 'User:müller'}, 1.0)]


def test_tab_separated_value():
    assert parse_samples('m\t4\nn{a="b"}\t5\n') == [('m', {}, 4.0), ('n', {'a': 'b'}, 5.0)]


def test_surrounding_whitespace_of_a_line_is_ignored():
    assert parse_samples('   m 1   \n\tn{a="b"} 2\t\n') == [('m', {}, 1.0), ('n', {'a': 'b'}, 2.0)]


def test_crlf_line_endings():
    assert parse_samples('# TYPE m gauge\r\nm 1\r\nn{a="b"} 2\r\n') == [('m', {}, 1.0), ('n', {'a': 'b'}, 2.0)]


def test_last_line_without_newline():
    assert parse_samples('m 1\nn 2') == [('m', {}, 1.0), ('n', {}, 2.0)]


# --- Escapes in label values ---------------------------------------------------------------

def test_escaped_double_quote():
    assert parse_samples(r'm{client_id="say \"hi\""} 1') == [('m', {'client_id': 'say "hi"'}, 1.0)]


def test_escaped_backslash():
    assert parse_samples(r'm{dir="C:\\kafka\\logs"} 1') == [('m', {'dir': 'C:\\kafka\\logs'}, 1.0)]


def test_escaped_newline():
    assert parse_samples(r'm{note="line one\nline two"} 1') == [('m', {'note': 'line one\nline two'}, 1.0)]


def test_escaped_backslash_before_n_is_not_a_newline():
    assert parse_samples(r'm{a="x\\n"} 1') == [('m', {'a': 'x\\n'}, 1.0)]


def test_escaped_backslash_at_the_end_of_a_value():
    assert parse_samples(r'm{a="ends\\",b="next"} 1') == [('m', {'a': 'ends\\', 'b': 'next'}, 1.0)]


def test_escaped_quote_then_closing_brace_inside_the_value():
    assert parse_samples(r'm{a="\"}\""} 3') == [('m', {'a': '"}"'}, 3.0)]


def test_all_three_escapes_in_one_value():
    text = r'kafka_server_socket_server_metrics_connection_count{listener="PLAIN\"TEXT\\n\n"} 7.0'
    assert parse_samples(text) == [
        ('kafka_server_socket_server_metrics_connection_count', {'listener': 'PLAIN"TEXT\\n\n'}, 7.0)]


def test_unknown_escape_is_kept_as_written():
    assert parse_samples(r'm{a="x\ty"} 1') == [('m', {'a': 'x\\ty'}, 1.0)]


# --- Special values ------------------------------------------------------------------------

@pytest.mark.parametrize('written, value', [
    ('+Inf', math.inf),
    ('-Inf', -math.inf),
    ('Inf', math.inf),
    ('1.073741824E9', 1073741824.0),
    ('-1.0', -1.0),
    ('6.5e-05', 6.5e-05),
    ('0', 0.0),
])
def test_special_and_exponent_values(written, value):
    assert parse_samples('kafka_log_size{topic="orders"} %s\n' % written) == [
        ('kafka_log_size', {'topic': 'orders'}, value)]


def test_nan_value():
    [(name, labels, value)] = parse_samples('kafka_network_request_p99{request="Produce"} NaN\n')
    assert (name, labels) == ('kafka_network_request_p99', {'request': 'Produce'})
    assert math.isnan(value)


def test_inf_in_a_label_stays_a_string():
    text = 'kafka_request_seconds_bucket{le="+Inf"} 42\nkafka_request_seconds_bucket{le="0.5"} 40\n'
    assert parse_samples(text) == [('kafka_request_seconds_bucket', {'le': '+Inf'}, 42.0),
                                   ('kafka_request_seconds_bucket', {'le': '0.5'}, 40.0)]


# --- Timestamps ----------------------------------------------------------------------------

def test_timestamp_after_the_value_is_dropped():
    text = 'm 12.5 1712345678901\nn{a="b"} -Inf 1712345678901\no{a="b"}\t3\t1712345678901\n'
    assert parse_samples(text) == [('m', {}, 12.5), ('n', {'a': 'b'}, -math.inf), ('o', {'a': 'b'}, 3.0)]


def test_nan_with_a_timestamp():
    [(name, labels, value)] = parse_samples('m NaN 1712345678901\n')
    assert (name, labels) == ('m', {})
    assert math.isnan(value)


# --- Comments and blank lines --------------------------------------------------------------

def test_comments_and_blank_lines_are_skipped():
    text = '\n'.join([
        '# HELP m Something with "quotes", {braces} and a \\\\ backslash',
        '# TYPE m gauge',
        '',
        '   ',
        '# a free comment: not HELP, not TYPE',
        '  # an indented comment',
        '#no space after the hash 1',
        'm 1',
        '\t',
        '',
    ])
    assert parse_samples(text) == [('m', {}, 1.0)]


# --- Malformed lines -----------------------------------------------------------------------

GOOD_HEAD = '# HELP m A gauge\n# TYPE m gauge\nm 1\n\n'  # four lines; the bad one is line 5


@pytest.mark.parametrize('bad', [
    'jvm_threads_current',                           # no value
    'jvm_threads_current thirty-three',              # not a number
    'jvm_threads_current{state="RUNNABLE"}',         # labels, no value
    'jvm_threads_current{state="RUNNABLE" 8',        # labels not closed
    'jvm_threads_current{state=RUNNABLE} 8',         # label value not quoted
    'jvm_threads_current{state="RUNNABLE} 8',        # label value not closed
    'jvm_threads_current{state} 8',                  # label without value
    'jvm_threads_current{state="a\\',                # escape at the end of the line
    'jvm_threads_current 0x21',                      # not a decimal number
])
def test_malformed_line_raises_value_error_naming_its_number_and_text(bad):
    with pytest.raises(ValueError) as raised:
        parse_samples(GOOD_HEAD + bad + '\nn 2\n')
    message = str(raised.value)
    assert message.startswith('line 5 is not a sample (')
    assert message.endswith('): ' + bad)


def test_malformed_line_message_names_the_cause():
    with pytest.raises(ValueError) as raised:
        parse_samples('m{a=b} 1\n')
    assert str(raised.value) == 'line 1 is not a sample (label a: value not quoted): m{a=b} 1'
    with pytest.raises(ValueError) as raised:
        parse_samples('m 1\nm{a="b"\n')
    assert str(raised.value) == 'line 2 is not a sample (unterminated labels): m{a="b"'
    with pytest.raises(ValueError) as raised:
        parse_samples('m one\n')
    assert str(raised.value) == "line 1 is not a sample (could not convert string to float: 'one'): m one"


def test_malformed_line_is_cut_to_200_characters_in_the_message():
    line = 'x' * 300
    with pytest.raises(ValueError) as raised:
        parse_samples(line)
    assert str(raised.value).endswith('): ' + 'x' * 200)


def test_line_numbers_count_blank_and_comment_lines():
    text = JMX_EXPORTER_EXCERPT + 'kafka_controller_offline_partitions_count\n'
    with pytest.raises(ValueError, match=r'^line 49 is not a sample '):
        parse_samples(text)


@pytest.mark.parametrize('body, first_line', [
    ('<!DOCTYPE html>\n<html><body>Not Found</body></html>\n', '<!DOCTYPE html>'),
    ('{\n  "status": "UP"\n}\n', '{'),
    ('{"status": "UP"}', '{"status": "UP"}'),
    ('Exporter is healthy.\n', 'Exporter is healthy.'),
])
def test_bodies_that_are_not_the_text_format_fail_on_line_1(body, first_line):
    with pytest.raises(ValueError) as raised:
        parse_samples(body)
    assert str(raised.value).startswith('line 1 is not a sample (')
    assert str(raised.value).endswith('): ' + first_line)


# --- select --------------------------------------------------------------------------------

def test_select_returns_the_named_series_with_labels_and_values_in_order():
    samples = parse_samples(JMX_EXPORTER_EXCERPT)
    assert select(samples, ['jvm_memory_used_bytes', 'kafka_server_brokertopicmetrics_messages_in_total']) == {
        'jvm_memory_used_bytes': [
            {'labels': {'area': 'heap'}, 'value': 30227848.0},
            {'labels': {'area': 'nonheap'}, 'value': 62382552.0},
        ],
        'kafka_server_brokertopicmetrics_messages_in_total': [
            {'labels': {}, 'value': 48213.0},
            {'labels': {'topic': 'orders'}, 'value': 48210.0},
            {'labels': {'topic': '__consumer_offsets'}, 'value': 3.0},
        ],
    }


def test_select_gives_an_absent_series_an_empty_list():
    samples = parse_samples(JMX_EXPORTER_EXCERPT)
    assert select(samples, ['kafka_controller_active_controller_count', 'kafka_server_under_min_isr_partitions']) == {
        'kafka_controller_active_controller_count': [{'labels': {}, 'value': 0.0}],
        'kafka_server_under_min_isr_partitions': [],
    }


def test_select_matches_whole_names_only():
    samples = parse_samples(JMX_EXPORTER_EXCERPT)
    assert select(samples, ['jvm_gc_collection_seconds', 'jvm_memory', 'jmx_config_reload_failure']) == {
        'jvm_gc_collection_seconds': [], 'jvm_memory': [], 'jmx_config_reload_failure': []}
    assert select(samples, ['jvm_gc_collection_seconds_count']) == {'jvm_gc_collection_seconds_count': [
        {'labels': {'gc': 'G1 Young Generation'}, 'value': 11.0},
        {'labels': {'gc': 'G1 Old Generation'}, 'value': 0.0},
    ]}


def test_select_nothing():
    assert select(parse_samples(JMX_EXPORTER_EXCERPT), []) == {}
    assert select([], ['up']) == {'up': []}


def test_select_a_name_given_twice_lists_its_samples_once():
    assert select([('m', {}, 1.0)], ['m', 'm']) == {'m': [{'labels': {}, 'value': 1.0}]}


# --- Lines the format allows or forbids that an easy parser gets wrong -------------------------

@pytest.mark.parametrize('char', ['\r', '\x0b', '\x0c', '\x1c', '\x85', '\u2028', '\u2029'])
def test_line_separators_other_than_newline_inside_a_label_value(char):
    text = 'kafka_server_client_quota_throttle_time{client_id="app%sone"} 0.0\n' % char
    assert parse_samples(text) == [('kafka_server_client_quota_throttle_time', {'client_id': 'app%sone' % char}, 0.0)]


def test_line_separator_inside_help_text():
    text = '# HELP m Bytes\u2028per second\n# TYPE m gauge\nm 1\n'
    assert parse_samples(text) == [('m', {}, 1.0)]


@pytest.mark.parametrize('line', ['m {a="x"} 1', 'm{a = "x"} 1', 'm{a= "x"} 1'])
def test_blanks_between_tokens(line):
    assert parse_samples(line) == [('m', {'a': 'x'}, 1.0)]


@pytest.mark.parametrize('line', [
    'm 1 not-a-timestamp',          # the timestamp is never checked
    'm 1 1712345678901 extra',      # nor is anything after it
    'm{a="x"b="y"} 1',              # labels without the comma between them
    '{a="x"} 1',                    # no metric name
])
def test_malformed_lines_refused(line):
    with pytest.raises(ValueError, match='^line 1 is not a sample'):
        parse_samples(line)
