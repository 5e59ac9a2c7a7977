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


def test_the_floor_gives_kafka_storage_the_format_tasks_whole_environment():
    # floor_run sets LOG_DIR (the unit's, which the task's is too) and these options: a variable
    # added to the task would be missing from the floor's format.
    assert sorted(bench.format_task()['environment']) == ['KAFKA_JVM_PERFORMANCE_OPTS', 'LOG_DIR']


def test_the_format_task_runs_an_argv_that_format_commands_can_read():
    task = bench.format_task()
    assert 'argv' in task['ansible.builtin.command'] and 'loop' not in task


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


def test_format_commands_refuses_a_hidden_command_line():
    with pytest.raises(SystemExit, match='no_log'):
        bench.format_commands(result_with([(bench.FORMAT_TASK, {'b1': dict(censored='hidden')})]))


def test_public_results_leave_out_the_raw_playbook_output():
    assert bench.public(dict(wall_seconds=1.0, started=2.0, raw={'plays': []})) == dict(wall_seconds=1.0)


@pytest.mark.parametrize('runs,expected', [([3.0, 1.0, 2.0], 2.0), ([4.0, 1.0], 2.5)])
def test_spread(runs, expected):
    assert bench.spread(runs)['median'] == expected
