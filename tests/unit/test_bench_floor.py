"""bench/bench.py's floor mode reads the roles' format task and the deploy's result: both must
still be where it looks (a renamed task would otherwise stop `make bench-floor`)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'bench'))
import bench  # noqa: E402


def test_format_jvm_options_come_from_the_roles_format_task():
    options = bench.format_jvm_options()
    assert '-XX:+UseSerialGC' in options.split()


def result_with(tasks):
    return dict(plays=[dict(tasks=[dict(task=dict(name=name), hosts=hosts) for name, hosts in tasks])])


def test_format_commands_per_host_from_the_json_callback():
    argv = ['/opt/kafka/current/bin/kafka-storage.sh', 'format', '--cluster-id', 'x', '--config', '/etc/kafka/b.properties']
    result = result_with([
        ('kafkaops.kraft.kafka : Reformat opt-in - stop this node and empty its disagreeing directories',
         {'b1': dict(skipped=True)}),
        ('kafkaops.kraft.kafka : ' + bench.FORMAT_TASK, {'b1': dict(cmd=argv), 'b2': dict(skipped=True)}),
        (bench.FORMAT_TASK, {'c1': dict(cmd=argv[:2])}),
    ])
    assert bench.format_commands(result) == {'b1': argv, 'c1': argv[:2]}


def test_format_commands_of_a_run_that_formatted_nothing():
    assert bench.format_commands(result_with([('other', {'b1': dict(cmd=['x'])})])) == {}


@pytest.mark.parametrize('runs,expected', [([3.0, 1.0, 2.0], 2.0), ([4.0, 1.0], 2.5)])
def test_spread(runs, expected):
    assert bench.spread(runs)['median'] == expected
