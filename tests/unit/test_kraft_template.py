"""The lookup kraft_template hands the builtin template lookup variables whose deep copy is a
shallow one (tests/integration/test_template_lookup.py renders with it in ansible-playbook)."""
import copy

from ansible_collections.kafkaops.kraft.plugins.lookup.kraft_template import ShallowOnDeepCopy


def test_the_deep_copy_the_builtin_asks_for_is_a_shallow_one():
    nested = dict(a=[1, 2], b=dict(c='d'))
    variables = ShallowOnDeepCopy(dict(nested=nested, s='x'))
    copied = copy.deepcopy(variables)
    assert copied.__class__ is dict and copied == variables and copied is not variables
    assert copied['nested'] is nested
    copied['template_path'] = 'added'
    assert 'template_path' not in variables
