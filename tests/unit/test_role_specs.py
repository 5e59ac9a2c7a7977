"""Every role default is declared in meta/argument_specs.yml with the same default, and every
option of a spec (but the required ones) has a default: the docs cannot drift from the code."""
import os

import pytest
import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ROLES = sorted(os.listdir(os.path.join(ROOT, 'roles')))


def load(role, *path):
    with open(os.path.join(ROOT, 'roles', role, *path)) as handle:
        return yaml.safe_load(handle) or {}


@pytest.mark.parametrize('role', ROLES)
def test_defaults_match_argument_spec(role):
    defaults = load(role, 'defaults', 'main.yml')
    options = load(role, 'meta', 'argument_specs.yml')['argument_specs']['main']['options']
    optional = dict((name, spec) for name, spec in options.items() if not spec.get('required'))
    assert sorted(defaults) == sorted(optional)
    for name, value in defaults.items():
        assert optional[name].get('default') == value, name
        assert optional[name].get('description'), name


@pytest.mark.parametrize('role', ROLES)
def test_public_variables_are_prefixed(role):
    prefix = role + '_'
    for name in load(role, 'defaults', 'main.yml'):
        assert name.startswith(prefix), name


def test_role_readmes_are_generated_from_the_specs():
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, os.path.join(ROOT, 'tools', 'role_docs.py'), '--check'],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize('role', ROLES)
def test_no_spec_text_is_cut_by_a_yaml_comment(role):
    # In a plain YAML scalar " #" starts a comment: "... ! @ # % ^" would silently end at "@".
    path = os.path.join(ROOT, 'roles', role, 'meta', 'argument_specs.yml')
    with open(path) as handle:
        for number, line in enumerate(handle, 1):
            if line.lstrip().startswith('#') or ' #' not in line:
                continue
            before = line[:line.index(' #')]
            quoted = before.count('"') % 2 == 1 or before.count("'") % 2 == 1
            assert quoted, '%s:%d: unquoted " #" cuts the text there: %s' % (path, number, line.strip())
