# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Connection options shared by every module that talks to Kafka.
    DOCUMENTATION = r'''
options:
  bootstrap_servers:
    description:
      - C(host:port) addresses to try in order until one answers.
      - A controller listener address talks to that controller directly; a broker listener
        address goes through the broker.
    type: list
    elements: str
    required: true
  security_protocol:
    description: Protocol of the listener named in O(bootstrap_servers).
    type: str
    default: PLAINTEXT
    choices: [PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL]
  ssl_cafile:
    description: PEM file of the CA that signed the listener's certificate.
    type: path
  ssl_certfile:
    description: PEM client certificate, for listeners that require client authentication.
    type: path
  ssl_keyfile:
    description: PEM private key of O(ssl_certfile).
    type: path
  ssl_password:
    description: Password of O(ssl_keyfile), if it is encrypted.
    type: str
  ssl_check_hostname:
    description: Verify that the listener's certificate names the host connected to.
    type: bool
    default: true
  sasl_mechanism:
    description: SASL mechanism, required with the SASL_* protocols.
    type: str
    choices: [PLAIN, SCRAM-SHA-256, SCRAM-SHA-512]
  sasl_username:
    description: SASL user name.
    type: str
  sasl_password:
    description: SASL password. Never logged.
    type: str
  connect_timeout:
    description: Seconds to wait for the TCP/TLS/SASL handshake with one address.
    type: float
    default: 5.0
  request_timeout:
    description: Seconds to wait for the answer to one request.
    type: float
    default: 10.0
  fail_on_unavailable:
    description:
      - When V(false), a cluster that cannot be reached or does not authenticate the client is
        reported in the C(available) and C(error) results instead of failing the task, so that a
        playbook can retry with C(until) or carry on in check mode. So is, for the info modules,
        an answer with an error code or an assertion that does not hold before C(wait) runs out
        (C(problems)), and for the write modules an error code that Kafka calls retriable (not
        the controller, timed out).
      - A write module whose request the cluster refuses for good (not authorized, invalid
        config) fails either way, with C(available=true); so does any module on an unexpected
        error.
    type: bool
    default: true
notes:
  - Needs the C(kafka-python) library (3.x) on the host that runs the module, usually the
    Ansible controller (C(delegate_to) V(localhost)).
requirements:
  - kafka-python >= 3.0
'''

    # Attributes of the read-only verification modules.
    READ_ONLY = r'''
attributes:
  check_mode:
    description: Read-only; runs the same in check mode.
    support: full
  diff_mode:
    description: Nothing changes, so there is no diff.
    support: none
'''
