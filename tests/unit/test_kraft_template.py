"""The lookup kraft_template hands the builtin template lookup variables whose deep copy is a
shallow one (tests/integration/test_template_lookup.py renders with it in ansible-playbook)."""
import copy

from ansible.plugins.lookup.template import LookupModule as TemplateLookup

from ansible_collections.kafkaops.kraft.plugins.lookup.kraft_template import LookupModule, ShallowOnDeepCopy


def test_the_deep_copy_the_builtin_asks_for_is_a_shallow_one():
    nested = dict(a=[1, 2], b=dict(c='d'))
    variables = ShallowOnDeepCopy(dict(nested=nested, s='x'))
    copied = copy.deepcopy(variables)
    assert copied.__class__ is dict and copied == variables and copied is not variables
    assert copied['nested'] is nested
    copied['template_path'] = 'added'
    assert 'template_path' not in variables


def test_run_hands_the_builtin_its_variables_wrapped(monkeypatch):
    seen = []
    monkeypatch.setattr(TemplateLookup, 'run', lambda self, terms, variables=None, **kwargs: seen.append(variables) or ['text'])
    variables = dict(a=1)
    assert LookupModule().run(['t.j2'], variables) == ['text']
    assert seen[0].__class__ is ShallowOnDeepCopy and seen[0] == variables and seen[0] is not variables
    LookupModule().run(['t.j2'], None)
    assert seen[1] is None
