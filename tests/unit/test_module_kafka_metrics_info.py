"""kafka_metrics_info: main() run as module_harness runs modules (module arguments patched in,
exit_json/fail_json raising), scraping real HTTP servers on 127.0.0.1 started by the tests: open_url,
the sockets and the parsing are the module's own."""
import base64
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.kafkaops.kraft.plugins.modules import kafka_metrics_info
from ansible_collections.kafkaops.kraft.tests.unit.module_harness import run_module

# --- Helpers: expositions and the servers that serve them ------------------------------------


def controller_metrics(active):
    """What the JMX exporter (1.0.1) serves on a KRaft controller, cut down: 5 samples."""
    return (
        '# HELP jmx_exporter_build_info JMX Exporter build information\n'
        '# TYPE jmx_exporter_build_info gauge\n'
        'jmx_exporter_build_info{name="jmx_prometheus_javaagent",version="1.0.1"} 1\n'
        '# HELP jmx_scrape_error Non-zero if this scrape failed.\n'
        '# TYPE jmx_scrape_error gauge\n'
        'jmx_scrape_error 0.0\n'
        '# HELP jvm_memory_used_bytes Used bytes of a given JVM memory area.\n'
        '# TYPE jvm_memory_used_bytes gauge\n'
        'jvm_memory_used_bytes{area="heap"} 1.43654912E8\n'
        'jvm_memory_used_bytes{area="nonheap"} 7.1294456E7\n'
        '# HELP kafka_controller_active_controller_count Attribute exposed for management '
        'kafka.controller:name=ActiveControllerCount,type=KafkaController,attribute=Value\n'
        '# TYPE kafka_controller_active_controller_count gauge\n'
        'kafka_controller_active_controller_count %s\n' % ('1.0' if active else '0.0'))


# The same on a KRaft broker: 20 lines, 8 samples, no kafka_controller_active_controller_count.
BROKER_METRICS = '''\
# HELP jmx_exporter_build_info JMX Exporter build information
# TYPE jmx_exporter_build_info gauge
jmx_exporter_build_info{name="jmx_prometheus_javaagent",version="1.0.1"} 1
# HELP jmx_scrape_error Non-zero if this scrape failed.
# TYPE jmx_scrape_error gauge
jmx_scrape_error 0.0
# HELP jvm_memory_used_bytes Used bytes of a given JVM memory area.
# TYPE jvm_memory_used_bytes gauge
jvm_memory_used_bytes{area="heap"} 3.0227848E8
jvm_memory_used_bytes{area="nonheap"} 8.2382552E7
# HELP jvm_threads_started_total Started thread count of a JVM
# TYPE jvm_threads_started_total counter
jvm_threads_started_total 161.0
# HELP kafka_server_brokertopicmetrics_messages_in_total Attribute exposed for management
# TYPE kafka_server_brokertopicmetrics_messages_in_total counter
kafka_server_brokertopicmetrics_messages_in_total{topic="orders"} 48210.0
kafka_server_brokertopicmetrics_messages_in_total{topic="payments"} 977.0
# HELP kafka_server_under_replicated_partitions Attribute exposed for management
# TYPE kafka_server_under_replicated_partitions gauge
kafka_server_under_replicated_partitions 2.0
'''

HTML_PAGE = '<!DOCTYPE html>\n<html><head><title>Kafka UI</title></head><body></body></html>\n'

USER, PASSWORD = 'prometheus', 'scrape-me'

SERIES = ['kafka_controller_active_controller_count', 'kafka_server_under_replicated_partitions']


class ExpositionServer(object):
    """An HTTP server on 127.0.0.1 (a port of the system's choosing) in a thread, answering GET
    `path` with `body` (text/plain; version=0.0.4), 404 elsewhere; with `credentials` (user,
    password), 401 unless the request carries them as basic authentication; with `hold`, not
    answering until the event is set. Every request is recorded as (path, Authorization header)."""

    def __init__(self, body, path='/metrics', credentials=None, hold=None):
        self.body, self.path, self.hold = body, path, hold
        self.authorization = None
        if credentials:
            self.authorization = 'Basic ' + base64.b64encode(('%s:%s' % credentials).encode()).decode()
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append((self.path, self.headers.get('Authorization')))
                if server.hold is not None:
                    server.hold.wait(10)
                if server.authorization and self.headers.get('Authorization') != server.authorization:
                    self._answer(401, b'Unauthorized\n', [('WWW-Authenticate', 'Basic realm="/metrics"')])
                elif self.path != server.path:
                    self._answer(404, b'Not Found\n')
                else:
                    self._answer(200, server.body.encode('utf-8'))

            def _answer(self, status, payload, headers=()):
                self.send_response(status)
                self.send_header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
                self.send_header('Content-Length', str(len(payload)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs=dict(poll_interval=0.05))
        self.thread.daemon = True
        self.thread.start()

    @property
    def endpoint(self):
        """host:port, the form the roles pass."""
        return '127.0.0.1:%d' % self.port

    def url(self, path=None):
        return 'http://%s%s' % (self.endpoint, self.path if path is None else path)

    def close(self):
        if self.hold is not None:
            self.hold.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture(autouse=True)
def hermetic_http(monkeypatch, tmp_path):
    """No proxy from the environment between the module and 127.0.0.1, no ~/.netrc credentials."""
    for name in ('http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv('NETRC', str(tmp_path / 'no-netrc'))


@pytest.fixture
def serve():
    """serve(body, ...) -> a running ExpositionServer; all are stopped after the test."""
    servers = []

    def start(body, **options):
        servers.append(ExpositionServer(body, **options))
        return servers[-1]
    yield start
    for server in servers:
        server.close()


@pytest.fixture
def refused():
    """host:port of a socket bound on 127.0.0.1 but not listening: connecting is refused, and the
    port stays taken (nothing else can start listening there) until the test ends."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(('127.0.0.1', 0))
    yield '127.0.0.1:%d' % sock.getsockname()[1]
    sock.close()


def scrape(endpoints, check_mode=False, **args):
    return run_module(kafka_metrics_info, dict(args, endpoints=endpoints), check_mode=check_mode)


def timings(result, timeout=10):
    """Pop `seconds` from each endpoint that has it (it varies), checking it is a duration within
    the timeout; returns them by endpoint."""
    popped = {}
    for endpoint, data in result['endpoints'].items():
        if 'seconds' in data:
            seconds = data.pop('seconds')
            assert isinstance(seconds, float)
            assert 0 <= seconds < timeout
            assert seconds == round(seconds, 3)
            popped[endpoint] = seconds
    return popped


def pop_unavailable_series(result):
    """Drop `series` from the endpoints that did not answer or parse: it is {} today, and should
    list every name asked for (see test_bug_unavailable_endpoint_lists_every_series_asked_for)."""
    for data in result['endpoints'].values():
        if not data['available']:
            data.pop('series')


def refusal_text(endpoint):
    return '%s: URLError: <urlopen error [Errno 111] Connection refused>' % endpoint


# --- url_of ---------------------------------------------------------------------------------

@pytest.mark.parametrize('endpoint, url', [
    ('ctl-1:7071', 'http://ctl-1:7071/metrics'),
    ('10.0.0.4:7071', 'http://10.0.0.4:7071/metrics'),
    ('[fd00::4]:7071', 'http://[fd00::4]:7071/metrics'),
    ('http://kafka-1:7071/metrics', 'http://kafka-1:7071/metrics'),
    ('https://kafka-1:7071/custom', 'https://kafka-1:7071/custom'),
])
def test_url_of(endpoint, url):
    assert kafka_metrics_info.url_of(endpoint) == url


def test_url_of_https():
    assert kafka_metrics_info.url_of('ctl-1:7071', 'https') == 'https://ctl-1:7071/metrics'
    assert kafka_metrics_info.url_of('http://kafka-1:7071/metrics', 'https') == 'http://kafka-1:7071/metrics'


# --- Several endpoints ----------------------------------------------------------------------

def test_several_endpoints_in_host_port_form(serve):
    ctl1, ctl2, broker = serve(controller_metrics(True)), serve(controller_metrics(False)), serve(BROKER_METRICS)
    result = scrape([ctl1.endpoint, ctl2.endpoint, broker.endpoint], series=SERIES)
    assert set(timings(result)) == set([ctl1.endpoint, ctl2.endpoint, broker.endpoint])
    assert result == {
        'changed': False, 'failed': False, 'available': True, 'problems': [],
        'endpoints': {
            ctl1.endpoint: {'available': True, 'samples': 5, 'series': {
                'kafka_controller_active_controller_count': [{'labels': {}, 'value': 1.0}],
                'kafka_server_under_replicated_partitions': []}},
            ctl2.endpoint: {'available': True, 'samples': 5, 'series': {
                'kafka_controller_active_controller_count': [{'labels': {}, 'value': 0.0}],
                'kafka_server_under_replicated_partitions': []}},
            broker.endpoint: {'available': True, 'samples': 8, 'series': {
                'kafka_controller_active_controller_count': [],
                'kafka_server_under_replicated_partitions': [{'labels': {}, 'value': 2.0}]}},
        },
    }
    # One GET of /metrics each (http:// and /metrics added), no credentials sent.
    for server in (ctl1, ctl2, broker):
        assert server.requests == [('/metrics', None)]


def test_endpoints_keep_the_order_given(serve):
    servers = [serve(BROKER_METRICS) for dummy in range(3)]
    endpoints = [servers[2].endpoint, servers[0].endpoint, servers[1].endpoint]
    result = scrape(endpoints)
    assert list(result['endpoints']) == endpoints


class AllAsked(object):
    """A `hold` shared by several servers: each answers only once every one has been asked (a
    barrier), so a scrape that asks them one after the other gets no answer from the first."""

    def __init__(self, count):
        self.barrier = threading.Barrier(count)

    def wait(self, timeout):
        try:
            self.barrier.wait(timeout)
        except threading.BrokenBarrierError:
            pass

    def set(self):
        self.barrier.abort()


def test_endpoints_are_scraped_at_once(serve):
    held = AllAsked(3)
    servers = [serve(BROKER_METRICS, hold=held) for dummy in range(3)]
    endpoints = [server.endpoint for server in servers]
    result = scrape(endpoints, timeout=5, fail_on_unavailable=False)
    assert result['problems'] == []
    assert [result['endpoints'][endpoint]['samples'] for endpoint in endpoints] == [8, 8, 8]


def test_an_endpoint_given_twice_is_scraped_once(serve):
    server = serve(BROKER_METRICS)
    result = scrape([server.endpoint, server.endpoint])
    assert list(result['endpoints']) == [server.endpoint]
    assert server.requests == [('/metrics', None)]


def test_full_url_is_used_as_given(serve):
    server = serve(BROKER_METRICS, path='/jmx/prometheus')
    url = server.url('/jmx/prometheus')
    result = scrape([url], series=['kafka_server_under_replicated_partitions'])
    timings(result)
    assert result['endpoints'] == {url: {'available': True, 'samples': 8, 'series': {
        'kafka_server_under_replicated_partitions': [{'labels': {}, 'value': 2.0}]}}}
    assert server.requests == [('/jmx/prometheus', None)]


def test_host_port_form_asks_for_metrics_not_another_path(serve):
    server = serve(BROKER_METRICS, path='/jmx/prometheus')
    result = scrape([server.endpoint])
    assert result['failed'] is True
    assert result['problems'] == ['%s: HTTPError: HTTP Error 404: Not Found' % server.endpoint]
    assert server.requests == [('/metrics', None)]


# --- Samples and series ---------------------------------------------------------------------

def test_no_series_asked_returns_only_counts(serve):
    server = serve(BROKER_METRICS)
    result = scrape([server.endpoint])
    timings(result)
    assert result['endpoints'] == {server.endpoint: {'available': True, 'samples': 8, 'series': {}}}


def test_series_with_labels_in_exposition_order(serve):
    server = serve(BROKER_METRICS)
    result = scrape([server.endpoint], series=['kafka_server_brokertopicmetrics_messages_in_total',
                                               'jvm_memory_used_bytes', 'jvm_threads_started',
                                               'kafka_server_under_min_isr_partitions'])
    assert result['endpoints'][server.endpoint]['series'] == {
        'kafka_server_brokertopicmetrics_messages_in_total': [
            {'labels': {'topic': 'orders'}, 'value': 48210.0},
            {'labels': {'topic': 'payments'}, 'value': 977.0}],
        'jvm_memory_used_bytes': [
            {'labels': {'area': 'heap'}, 'value': 302278480.0},
            {'labels': {'area': 'nonheap'}, 'value': 82382552.0}],
        'jvm_threads_started': [],  # the counter is exposed as jvm_threads_started_total only
        'kafka_server_under_min_isr_partitions': [],
    }


def test_empty_exposition_is_available_with_no_samples(serve):
    server = serve('')
    result = scrape([server.endpoint], series=['up'])
    timings(result)
    assert result['endpoints'] == {server.endpoint: {'available': True, 'samples': 0, 'series': {'up': []}}}
    assert result['available'] is True


# --- Basic authentication -------------------------------------------------------------------

def test_basic_auth_with_the_right_credentials(serve):
    server = serve(controller_metrics(True), credentials=(USER, PASSWORD))
    result = scrape([server.endpoint], series=SERIES[:1], url_username=USER, url_password=PASSWORD)
    timings(result)
    assert result == {
        'changed': False, 'failed': False, 'available': True, 'problems': [],
        'endpoints': {server.endpoint: {'available': True, 'samples': 5, 'series': {
            'kafka_controller_active_controller_count': [{'labels': {}, 'value': 1.0}]}}}}
    # Sent with the first request (force_basic_auth), not after a 401 challenge.
    assert server.requests == [('/metrics', 'Basic cHJvbWV0aGV1czpzY3JhcGUtbWU=')]


def test_basic_auth_without_credentials_is_refused(serve):
    server = serve(controller_metrics(True), credentials=(USER, PASSWORD))
    result = scrape([server.endpoint])
    problem = '%s: HTTPError: HTTP Error 401: Unauthorized' % server.endpoint
    assert result == {
        'changed': False, 'failed': True, 'available': False, 'problems': [problem],
        'msg': 'metrics endpoints not available: ' + problem,
        'endpoints': {server.endpoint: {'available': False, 'samples': 0, 'series': {},
                                        'error': 'HTTPError: HTTP Error 401: Unauthorized'}}}
    assert server.requests == [('/metrics', None)]


def test_basic_auth_with_a_wrong_password_is_refused(serve):
    server = serve(controller_metrics(True), credentials=(USER, PASSWORD))
    result = scrape([server.endpoint], url_username=USER, url_password='guess')
    assert result['failed'] is True
    assert result['problems'] == ['%s: HTTPError: HTTP Error 401: Unauthorized' % server.endpoint]
    assert server.requests == [('/metrics', 'Basic cHJvbWV0aGV1czpndWVzcw==')]


def test_basic_auth_credentials_go_to_every_endpoint(serve):
    first = serve(controller_metrics(True), credentials=(USER, PASSWORD))
    second = serve(BROKER_METRICS, credentials=(USER, PASSWORD))
    result = scrape([first.endpoint, second.endpoint], url_username=USER, url_password=PASSWORD)
    assert result['available'] is True
    assert [(e, d['samples']) for e, d in result['endpoints'].items()] == [(first.endpoint, 5), (second.endpoint, 8)]
    assert first.requests == second.requests == [('/metrics', 'Basic cHJvbWV0aGV1czpzY3JhcGUtbWU=')]


def test_password_is_not_returned(serve):
    server = serve(controller_metrics(True), credentials=(USER, PASSWORD))
    for password in (PASSWORD, 'guess'):
        result = scrape([server.endpoint], url_username=USER, url_password=password)
        assert password not in repr(result)


# --- An endpoint that refuses connections ---------------------------------------------------

def test_refused_endpoint_fails_naming_it(serve, refused):
    server = serve(controller_metrics(True))
    result = scrape([server.endpoint, refused], series=SERIES[:1])
    timings(result)
    pop_unavailable_series(result)
    assert result == {
        'changed': False, 'failed': True, 'available': False, 'problems': [refusal_text(refused)],
        'msg': 'metrics endpoints not available: ' + refusal_text(refused),
        'endpoints': {
            server.endpoint: {'available': True, 'samples': 5, 'series': {
                'kafka_controller_active_controller_count': [{'labels': {}, 'value': 1.0}]}},
            refused: {'available': False, 'samples': 0,
                      'error': 'URLError: <urlopen error [Errno 111] Connection refused>'}}}


def test_refused_endpoint_reported_when_fail_on_unavailable_is_false(serve, refused):
    server = serve(controller_metrics(True))
    result = scrape([refused, server.endpoint], series=SERIES[:1], fail_on_unavailable=False)
    timings(result)
    pop_unavailable_series(result)
    assert result == {
        'changed': False, 'failed': False, 'available': False, 'problems': [refusal_text(refused)],
        'endpoints': {
            refused: {'available': False, 'samples': 0,
                      'error': 'URLError: <urlopen error [Errno 111] Connection refused>'},
            server.endpoint: {'available': True, 'samples': 5, 'series': {
                'kafka_controller_active_controller_count': [{'labels': {}, 'value': 1.0}]}}}}
    assert server.requests == [('/metrics', None)]


def test_every_refused_endpoint_is_named_in_the_message(refused):
    other = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    other.bind(('127.0.0.1', 0))
    try:
        second = '127.0.0.1:%d' % other.getsockname()[1]
        result = scrape([refused, second])
    finally:
        other.close()
    assert result['failed'] is True
    assert result['problems'] == [refusal_text(refused), refusal_text(second)]
    assert result['msg'] == 'metrics endpoints not available: %s; %s' % (refusal_text(refused), refusal_text(second))


def test_endpoint_that_does_not_answer_within_the_timeout(serve):
    server = serve(BROKER_METRICS, hold=threading.Event())
    result = scrape([server.endpoint], timeout=0.3, fail_on_unavailable=False)
    data = result['endpoints'][server.endpoint]
    assert (result['failed'], result['available'], data['available'], data['samples'], data['series']) == (
        False, False, False, 0, {})
    assert 'timed out' in data['error']
    assert result['problems'] == ['%s: %s' % (server.endpoint, data['error'])]


# --- A body that is not the text format ------------------------------------------------------

def test_html_body_fails_as_not_the_text_format(serve):
    server = serve(HTML_PAGE)
    result = scrape([server.endpoint])
    error = ("not the Prometheus text format: line 1 is not a sample "
             "(no metric name): <!DOCTYPE html>")
    seconds = timings(result)
    assert list(seconds) == [server.endpoint]  # it answered: the scrape is timed
    assert result == {
        'changed': False, 'failed': True, 'available': False, 'problems': ['%s: %s' % (server.endpoint, error)],
        'msg': 'metrics endpoints not available: %s: %s' % (server.endpoint, error),
        'endpoints': {server.endpoint: {'available': False, 'samples': 0, 'series': {}, 'error': error}}}


def test_json_body_reported_when_fail_on_unavailable_is_false(serve):
    good, json_body = serve(BROKER_METRICS), serve('{\n  "status": "UP"\n}\n')
    result = scrape([good.endpoint, json_body.endpoint], fail_on_unavailable=False)
    timings(result)
    error = 'not the Prometheus text format: line 1 is not a sample (no metric name): {'
    assert result == {
        'changed': False, 'failed': False, 'available': False, 'problems': ['%s: %s' % (json_body.endpoint, error)],
        'endpoints': {good.endpoint: {'available': True, 'samples': 8, 'series': {}},
                      json_body.endpoint: {'available': False, 'samples': 0, 'series': {}, 'error': error}}}


def test_a_malformed_line_deep_in_the_body_is_named_by_number(serve):
    server = serve(BROKER_METRICS + 'kafka_server_replica_manager_leader_count\n')
    result = scrape([server.endpoint], fail_on_unavailable=False)
    assert result['endpoints'][server.endpoint]['error'] == (
        'not the Prometheus text format: line 21 is not a sample (no blank after the name): '
        'kafka_server_replica_manager_leader_count')


# --- Check mode -----------------------------------------------------------------------------

def test_check_mode_scrapes_the_same_and_changes_nothing(serve, refused):
    ctl, broker = serve(controller_metrics(True)), serve(BROKER_METRICS)
    args = dict(series=SERIES, fail_on_unavailable=False)
    normal = scrape([ctl.endpoint, broker.endpoint, refused], **args)
    checked = scrape([ctl.endpoint, broker.endpoint, refused], check_mode=True, **args)
    timings(normal)
    timings(checked)
    assert checked == normal
    assert checked['changed'] is False
    assert checked['available'] is False
    assert checked['problems'] == [refusal_text(refused)]
    assert checked['endpoints'][broker.endpoint] == {'available': True, 'samples': 8, 'series': {
        'kafka_controller_active_controller_count': [],
        'kafka_server_under_replicated_partitions': [{'labels': {}, 'value': 2.0}]}}
    # Read-only: check mode scrapes for real.
    assert ctl.requests == broker.requests == [('/metrics', None), ('/metrics', None)]


def test_check_mode_fails_like_a_normal_run(refused):
    normal = scrape([refused])
    checked = scrape([refused], check_mode=True)
    assert checked == normal
    assert checked['failed'] is True
    assert checked['changed'] is False


# --- An endpoint that did not answer still lists every series asked for ---------------------

def test_unavailable_endpoint_lists_every_series_asked_for(serve, refused):
    html = serve(HTML_PAGE)
    result = scrape([refused, html.endpoint], series=SERIES, fail_on_unavailable=False)
    for endpoint in (refused, html.endpoint):
        assert result['endpoints'][endpoint]['series'] == {
            'kafka_controller_active_controller_count': [], 'kafka_server_under_replicated_partitions': []}
