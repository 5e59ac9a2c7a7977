"""The lookup kafkaops.kraft.kraft_template runs for real in ansible-playbook: it renders what
ansible.builtin.template renders (the roles compare its text with the digest of the file on the
node, so one character of difference would rewrite and restart every node), and the variables it
adds while rendering stay out of the host's variables."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from local_play import play_results  # noqa: E402

TEMPLATE = """# {{ ansible_managed }}
node.id={{ node.id }}
{% for name, value in settings | dictsort %}
{{ name }}={{ value }}
{% endfor %}
{# a comment #}
extra={{ extra | default('none') }}
path={{ template_path | basename }}
"""


def render(tmp_path, tasks):
    (tmp_path / 'templates').mkdir(exist_ok=True)
    (tmp_path / 'templates' / 'node.properties.j2').write_text(TEMPLATE)
    (tmp_path / 'templates' / 'other.j2').write_text('[% node.id %] {{ node.id }}\n')
    play_vars = dict(node=dict(id=3, role='controller'), settings={'b.setting': '{{ node.role }}', 'a.setting': 'x'})
    return play_results(tmp_path, tasks, play_vars=play_vars)


def both(name, term, **options):
    """Two set_fact tasks rendering `term` with the builtin lookup and with kraft_template."""
    args = ''.join(', %s=%s' % (key, json.dumps(value)) for key, value in sorted(options.items()))
    return [dict(name='%s %s' % (name, short), **{'ansible.builtin.set_fact': {
        '%s_%s' % (name, short): "{{ lookup('%s', '%s'%s) }}" % (lookup, term, args)}})
        for short, lookup in (('builtin', 'ansible.builtin.template'), ('ours', 'kafkaops.kraft.kraft_template'))]


def test_renders_what_the_builtin_renders(tmp_path):
    tasks = (both('plain', 'node.properties.j2') + both('vars', 'node.properties.j2', template_vars=dict(extra='given'))
             + both('markers', 'other.j2', variable_start_string='[%', variable_end_string='%]'))
    tasks.append(dict(name='compare', **{'ansible.builtin.debug': dict(msg=dict(
        plain=['{{ plain_builtin }}', '{{ plain_ours }}'], vars=['{{ vars_builtin }}', '{{ vars_ours }}'],
        markers=['{{ markers_builtin }}', '{{ markers_ours }}'], node='{{ node }}'))}))
    rc, results = render(tmp_path, tasks)
    assert rc == 0, results
    msg = results['compare']['msg']
    for name in ('plain', 'vars', 'markers'):
        builtin, ours = msg[name]
        assert builtin == ours, name
    assert 'node.id=3\n' in msg['plain'][1] and 'b.setting=controller\n' in msg['plain'][1] and 'extra=none\n' in msg['plain'][1]
    assert 'path=node.properties.j2' in msg['plain'][1]
    assert 'extra=given\n' in msg['vars'][1]
    assert msg['markers'][1].startswith('3 {{ node.id }}')
    assert msg['node'] == dict(id=3, role='controller')


def test_the_variables_it_adds_stay_in_its_copy(tmp_path):
    # probe is rendered after the lookup, against the same variables of the same task.
    msg = "{{ [lookup('kafkaops.kraft.kraft_template', 'node.properties.j2', template_vars={'extra': 'given'}), probe] }}"
    task = dict(name='probe', vars=dict(probe='{{ [template_path is defined, extra is defined, template_fullpath is defined] }}'),
                **{'ansible.builtin.debug': dict(msg=msg)})
    rc, results = render(tmp_path, [task])
    assert rc == 0, results
    text, probe = results['probe']['msg']
    assert 'extra=given\n' in text and 'path=node.properties.j2' in text
    assert probe == [False, False, False]


def test_a_missing_template_fails_as_with_the_builtin(tmp_path):
    rc, results = render(tmp_path, [dict(task, ignore_errors=True) for task in both('missing', 'no-such.j2')])
    assert rc == 0 and results['missing builtin']['failed'] is True and results['missing ours']['failed'] is True
    assert results['missing ours']['msg'] == results['missing builtin']['msg'].replace(
        'ansible.builtin.template', 'kafkaops.kraft.kraft_template').replace('missing_builtin', 'missing_ours')
    assert 'no-such.j2' in results['missing ours']['msg']
