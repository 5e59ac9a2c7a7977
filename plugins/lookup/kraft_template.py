# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: kraft_template
short_description: Render a template as ansible.builtin.template does, without a deep copy of every variable
version_added: 0.3.0
description:
  - Returns, for each template named, the text it renders to. It is the lookup
    C(ansible.builtin.template) itself (same search path, options, variables and result), with one
    difference. Before each template the builtin makes a deep copy of every variable of the host,
    so that the variables it adds (C(template_path), C(ansible_managed), O(template_vars)) stay
    out of them. This lookup lets it make a shallow copy instead, as the C(ansible.builtin.template)
    action does for the same purpose.
  - The roles of kafkaops.kraft render C(controller.properties), C(broker.properties), the systemd
    unit, the exporter's rules and the JAAS file on the Ansible controller with it, and compare the
    text with the digest discover read on the node. On ansible-core 2.19 the deep copy took
    0.075-0.10 CPU-s per template on a controller and 0.012-0.017 CPU-s on a broker (each
    variable's value carries its origin).
options:
  _terms:
    description: The templates to render, found as C(ansible.builtin.template) finds them (the role's C(templates) first).
    required: true
  template_vars:
    description: A dictionary, the keys become additional variables available for templating.
    type: dict
    default: {}
  variable_start_string:
    description: The string marking the beginning of a print statement.
    type: str
    default: '{{'
  variable_end_string:
    description: The string marking the end of a print statement.
    type: str
    default: '}}'
  comment_start_string:
    description: The string marking the beginning of a comment statement.
    type: str
    default: '{#'
  comment_end_string:
    description: The string marking the end of a comment statement.
    type: str
    default: '#}'
  trim_blocks:
    description: Whether the first newline after a block is removed (ansible-core 2.19 and later read it).
    type: bool
    default: true
  convert_data:
    description: Whether to convert YAML into data (ansible-core before 2.19 read it; see C(ansible.builtin.template)).
    type: bool
    default: true
  jinja2_native:
    description:
      - Whether to use Jinja2 native types (ansible-core before 2.19 read it, and only where the global
        C(jinja2_native) setting is on; see C(ansible.builtin.template)).
    type: bool
    default: false
seealso:
  - plugin: ansible.builtin.template
    plugin_type: lookup
'''

EXAMPLES = r'''
- name: Write controller.properties from the role's template
  kafkaops.kraft.kraft_file:
    dest: /etc/kafka/controller.properties
    content: "{{ lookup('kafkaops.kraft.kraft_template', 'controller.properties.j2') }}"
'''

RETURN = r'''
_raw:
  description: The text each template rendered to, as C(ansible.builtin.template) returns it.
  type: list
  elements: raw
'''

from ansible.plugins.lookup.template import LookupModule as TemplateLookup


class ShallowOnDeepCopy(dict):
    """The host's variables, whose deep copy is a shallow one: the builtin lookup copies them only
    to add its own variables to the copy, which a shallow copy keeps out of them just as well."""

    def __deepcopy__(self, memo):
        return dict(self)


class LookupModule(TemplateLookup):

    def run(self, terms, variables=None, **kwargs):
        if variables.__class__ is dict:  # what ansible-core passes; anything else goes through as it is
            variables = ShallowOnDeepCopy(variables)
        return super(LookupModule, self).run(terms, variables, **kwargs)
