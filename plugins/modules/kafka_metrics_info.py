#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: kafka_metrics_info
short_description: Scrape the nodes' Prometheus metrics endpoints and return the series asked for
version_added: 0.3.0
description:
  - Reads the C(/metrics) endpoint of each node (the JMX exporter's agent the roles install) once,
    and returns per endpoint the number of samples, the scrape time and the samples of the series
    named in O(series).
  - The endpoints are scraped concurrently, one thread each; each waits on its own node, not on
    the others. An endpoint given twice is scraped once.
  - Read-only. With O(fail_on_unavailable=false) an endpoint that does not answer is reported,
    not a failure.
author:
  - kafkaops.kraft maintainers (@kafkaops)
attributes:
  check_mode:
    description: Read-only; runs the same in check mode.
    support: full
  diff_mode:
    description: Returns no diff.
    support: none
options:
  endpoints:
    description:
      - C(host:port) of each node's endpoint (O(scheme) is added and C(/metrics) appended), or
        full URLs.
    type: list
    elements: str
    required: true
  series:
    description: Metric names whose samples are returned (every endpoint returns all of them, [] when absent).
    type: list
    elements: str
    default: []
  scheme:
    description:
      - How C(host:port) endpoints are reached; C(https) when the roles' C(kafka_metrics_tls) is on
        (with O(ca_path) the CA that signed the nodes' certificates).
    type: str
    choices: [http, https]
    default: http
  url_username:
    description: Basic-authentication user (C(kafka_metrics_username) of the roles).
    type: str
  url_password:
    description: Basic-authentication password (C(kafka_metrics_password) of the roles).
    type: str
  validate_certs:
    description: Check the endpoint's TLS certificate (https URLs).
    type: bool
    default: true
  ca_path:
    description: CA bundle (PEM) for https URLs.
    type: path
  timeout:
    description: Seconds per endpoint.
    type: float
    default: 10
  fail_on_unavailable:
    description: Fail when an endpoint does not answer; otherwise report it in RV(problems).
    type: bool
    default: true
notes:
  - Runs where it is delegated (usually the Ansible controller), which must reach the endpoints.
seealso:
  - module: kafkaops.kraft.kafka_broker_info
'''

EXAMPLES = r'''
- name: Count active controllers and under-replicated partitions from the nodes' own metrics
  kafkaops.kraft.kafka_metrics_info:
    endpoints: ["ctl-1:7071", "ctl-2:7071", "ctl-3:7071", "kafka-1:7071"]
    series: [kafka_controller_active_controller_count, kafka_server_under_replicated_partitions]
  delegate_to: localhost
  register: metrics

- name: The same over HTTPS with basic authentication (kafka_metrics_tls, kafka_metrics_password)
  kafkaops.kraft.kafka_metrics_info:
    endpoints: ["ctl-1:7071", "kafka-1:7071"]
    scheme: https
    ca_path: /etc/pki/kafka/ca.pem
    url_username: prometheus
    url_password: "{{ vault_kafka_metrics_password }}"
  delegate_to: localhost
'''

RETURN = r'''
endpoints:
  description: Per endpoint as given, what its scrape returned.
  type: dict
  returned: always
  sample:
    "ctl-1:7071":
      available: true
      samples: 412
      seconds: 0.08
      series: {"kafka_controller_active_controller_count": [{"labels": {}, "value": 1.0}]}
problems:
  description: Endpoints that did not answer or did not parse, one sentence each.
  type: list
  elements: str
  returned: always
available:
  description: Whether every endpoint answered.
  type: bool
  returned: always
'''

import threading
import time
import traceback

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.urls import open_url

from ansible_collections.kafkaops.kraft.plugins.module_utils.prometheus_text import parse_samples, select


def url_of(endpoint, scheme='http'):
    return endpoint if '://' in endpoint else '%s://%s/metrics' % (scheme, endpoint)


def scrape(module, endpoint):
    params = module.params
    started = time.monotonic()
    try:
        response = open_url(url_of(endpoint, params['scheme']), url_username=params['url_username'],
                            url_password=params['url_password'], force_basic_auth=bool(params['url_username']),
                            validate_certs=params['validate_certs'], ca_path=params['ca_path'],
                            timeout=params['timeout'])
        text = to_text(response.read())
    except Exception as exc:  # urllib, TLS and socket errors alike: the endpoint did not answer
        return dict(available=False, error='%s: %s' % (type(exc).__name__, exc), samples=0,
                    series=select([], params['series']))
    seconds = round(time.monotonic() - started, 3)
    try:
        samples = parse_samples(text)
    except ValueError as exc:
        return dict(available=False, error='not the Prometheus text format: %s' % exc, samples=0,
                    series=select([], params['series']), seconds=seconds)
    return dict(available=True, samples=len(samples), seconds=seconds, series=select(samples, params['series']))


def scrape_all(module, endpoints):
    """Every endpoint scraped concurrently, one thread each (each waits on its own node's JVM),
    returned in the order given, each endpoint once. A thread's unexpected error fails the module
    with its trace."""
    endpoints = list(dict.fromkeys(endpoints))
    results, errors = {}, []

    def one(endpoint):
        try:
            results[endpoint] = scrape(module, endpoint)
        except BaseException as exc:  # pragma: no cover - a bug, reported below with its trace
            errors.append(('%s: %s: %s' % (endpoint, type(exc).__name__, exc), traceback.format_exc()))

    threads = [threading.Thread(target=one, args=(endpoint,)) for endpoint in endpoints]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        module.fail_json(msg='scrape failed: %s' % '; '.join(message for message, trace in errors),
                         exception='\n'.join(trace for message, trace in errors))
    return dict((endpoint, results[endpoint]) for endpoint in endpoints)


def main():
    module = AnsibleModule(argument_spec=dict(
        endpoints=dict(type='list', elements='str', required=True),
        series=dict(type='list', elements='str', default=[]),
        url_username=dict(type='str'),
        url_password=dict(type='str', no_log=True),
        scheme=dict(type='str', choices=['http', 'https'], default='http'),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='float', default=10),
        fail_on_unavailable=dict(type='bool', default=True),
    ), supports_check_mode=True)
    try:
        results = scrape_all(module, module.params['endpoints'])
    except Exception as exc:  # pragma: no cover - a bug, reported with its trace
        module.fail_json(msg='scrape failed: %s' % exc, exception=traceback.format_exc())
    problems = ['%s: %s' % (endpoint, result['error']) for endpoint, result in results.items() if not result['available']]
    result = dict(changed=False, endpoints=results, problems=problems, available=not problems)
    if problems and module.params['fail_on_unavailable']:
        module.fail_json(msg='metrics endpoints not available: %s' % '; '.join(problems), **result)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
