"""The contract between the public roles and the internal role kafkaops.kraft.kafka: every
include of an internal entry point names one that meta/argument_specs.yml documents, passes
every option that entry point requires and nothing it does not declare; the public roles'
kafka_process dicts carry exactly the documented keys; and the internal role never picks a
caller's settings by looking up variables by name."""
import glob
import os

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
INTERNAL = 'kafkaops.kraft.kafka'


def load(*path):
    with open(os.path.join(ROOT, *path)) as handle:
        return yaml.safe_load(handle)


SPECS = load('roles', 'kafka', 'meta', 'argument_specs.yml')['argument_specs']


def tasks(node):
    """Every task dict in a task list or play list, blocks and plays included."""
    if isinstance(node, list):
        for item in node:
            yield from tasks(item)
    elif isinstance(node, dict):
        yield node
        for key in ('block', 'rescue', 'always', 'tasks', 'pre_tasks', 'post_tasks', 'handlers'):
            if key in node:
                yield from tasks(node[key])


def internal_includes():
    files = sorted(glob.glob(os.path.join(ROOT, 'roles', '*', 'tasks', '*.yml'))
                   + glob.glob(os.path.join(ROOT, 'playbooks', '*.yml')))
    for path in files:
        for task in tasks(load(path) or []):
            include = task.get('ansible.builtin.include_role') or task.get('ansible.builtin.import_role')
            if include and include.get('name') == INTERNAL:
                yield os.path.relpath(path, ROOT), include.get('tasks_from'), task.get('vars', {})


INCLUDES = list(internal_includes())


def test_the_public_roles_call_the_internal_role():
    callers = set(include[0].split(os.sep)[1] for include in INCLUDES if include[0].startswith('roles'))
    assert {'kraft_controller', 'kafka_broker'} <= callers


@pytest.mark.parametrize('path,entry,passed', INCLUDES, ids=['%s:%s' % include[:2] for include in INCLUDES])
def test_each_include_matches_its_entry_point(path, entry, passed):
    assert entry and entry.endswith('.yml'), '%s: tasks_from must name a task file' % path
    name = entry[:-len('.yml')]
    assert name in SPECS, '%s: entry point %s is not documented in the argument specs' % (path, name)
    options = SPECS[name].get('options', {})
    required = set(key for key, option in options.items() if option.get('required'))
    assert required <= set(passed), '%s: %s needs %s' % (path, name, sorted(required - set(passed)))
    assert set(passed) <= set(options), '%s: %s does not declare %s' % (path, name, sorted(set(passed) - set(options)))


@pytest.mark.parametrize('role,name', [('kraft_controller', '__kraft_controller_process'),
                                       ('kafka_broker', '__kafka_broker_process')])
def test_process_descriptions_carry_the_documented_keys(role, name):
    process = load('roles', role, 'vars', 'main.yml')[name]
    documented = SPECS['node']['options']['kafka_process']['options']
    assert sorted(process) == sorted(documented)
    assert process['role'] in documented['role']['choices']


def test_every_entry_point_has_its_task_file():
    for name in SPECS:
        if name != 'main':
            assert os.path.exists(os.path.join(ROOT, 'roles', 'kafka', 'tasks', name + '.yml')), name


def test_the_internal_role_never_looks_variables_up_by_name():
    for path in glob.glob(os.path.join(ROOT, 'roles', 'kafka', '**', '*.yml'), recursive=True):
        with open(path) as handle:
            text = handle.read()
        assert "lookup('ansible.builtin.vars'" not in text and "lookup('vars'" not in text, path
