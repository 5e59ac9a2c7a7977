# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Prometheus text exposition format (version 0.0.4), as the JMX exporter serves it: pure
parsing, unit-tested, for kafka_metrics_info."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import re

_ESCAPES = {'\\': '\\', '"': '"', 'n': '\n'}


_NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')


def _labels(text, start):
    """Parse `{a="x", b="y"}` from text[start] == '{'; return (labels dict, index after '}')."""
    labels = {}
    i = start + 1
    expect_label = True
    while True:
        while i < len(text) and text[i] in ' \t':
            i += 1
        if i >= len(text):
            raise ValueError('unterminated labels')
        if text[i] == '}':
            return labels, i + 1
        if text[i] == ',' and not expect_label:
            expect_label = True
            i += 1
            continue
        if not expect_label:
            raise ValueError('a comma must separate labels')
        match = _NAME.match(text, i)
        if not match:
            raise ValueError('bad label name at %r' % text[i:i + 20])
        name = match.group(0)
        i = match.end()
        while i < len(text) and text[i] in ' \t':
            i += 1
        if i >= len(text) or text[i] != '=':
            raise ValueError('label %s: no "="' % name)
        i += 1
        while i < len(text) and text[i] in ' \t':
            i += 1
        if i >= len(text) or text[i] != '"':
            raise ValueError('label %s: value not quoted' % name)
        i += 1
        value = []
        while i < len(text) and text[i] != '"':
            if text[i] == '\\' and i + 1 < len(text):
                value.append(_ESCAPES.get(text[i + 1], '\\' + text[i + 1]))
                i += 2
            else:
                value.append(text[i])
                i += 1
        if i >= len(text):
            raise ValueError('label %s: unterminated value' % name)
        labels[name] = ''.join(value)
        i += 1
        expect_label = False


def _number(text):
    lowered = text.lower()
    if lowered in ('+inf', 'inf'):
        return math.inf
    if lowered == '-inf':
        return -math.inf
    return float(text)


def parse_samples(text):
    """Every sample of an exposition: [(name, {label: value}, float)], in order. Lines end at
    '\\n' only; comments (# HELP, # TYPE) and blank lines are skipped; a malformed line raises
    ValueError naming it."""
    samples = []
    for number, line in enumerate(text.split('\n'), 1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        try:
            match = _NAME.match(line)
            if not match:
                raise ValueError('no metric name')
            name = match.group(0)
            i = match.end()
            while i < len(line) and line[i] in ' \t':
                i += 1
            labels = {}
            if i < len(line) and line[i] == '{':
                labels, i = _labels(line, i)
            elif i == match.end():
                raise ValueError('no blank after the name')
            rest = line[i:].split()
            if not rest or len(rest) > 2:
                raise ValueError('a value and at most a timestamp must follow')
            if len(rest) == 2:
                int(rest[1])
            samples.append((name, labels, _number(rest[0])))
        except (ValueError, IndexError) as exc:
            raise ValueError('line %d is not a sample (%s): %s' % (number, exc, line[:200]))
    return samples


def select(samples, names):
    """{name: [{'labels': {...}, 'value': v}]} of the samples whose name is in names (every name
    of names present, with [] when the exposition has none)."""
    found = dict((name, []) for name in names)
    for name, labels, value in samples:
        if name in found:
            found[name].append(dict(labels=labels, value=value))
    return found
