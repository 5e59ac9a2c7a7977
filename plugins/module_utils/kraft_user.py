# -*- coding: utf-8 -*-
# Copyright: (c) 2026, kafkaops.kraft contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Kafka system user as the roles want it (name, primary group, shell, home) against this
host's user database: read by kraft_node_state (is it as wanted?) and kraft_layout (what to
change), so both judge it the same way."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import pwd


def read_user(wanted):
    """What the user database says of wanted['name'] and wanted['group']: dict(group_gid=<gid of
    the wanted group, None where it is missing>, user=None where the user is missing, else
    dict(gid, group=<its primary group's name, or the gid where it has none>, shell, home))."""
    try:
        group_gid = grp.getgrnam(wanted['group']).gr_gid
    except KeyError:
        group_gid = None
    try:
        current = pwd.getpwnam(wanted['name'])
    except KeyError:
        return dict(group_gid=group_gid, user=None)
    try:
        group_name = grp.getgrgid(current.pw_gid).gr_name
    except KeyError:
        group_name = str(current.pw_gid)
    return dict(group_gid=group_gid, user=dict(gid=current.pw_gid, group=group_name, shell=current.pw_shell,
                                               home=current.pw_dir))


def user_differences(wanted, found):
    """The fields of an existing user (group, shell, home) that differ from wanted, in that order;
    the primary group compared by gid (a group missing differs)."""
    user = found['user']
    different = []
    if found['group_gid'] is None or user['gid'] != found['group_gid']:
        different.append('group')
    if user['shell'] != wanted['shell']:
        different.append('shell')
    if user['home'] != wanted['home']:
        different.append('home')
    return different


def user_is_as_wanted(wanted):
    """Whether the group and the user exist and the user has exactly the wanted group, shell and home."""
    found = read_user(wanted)
    return found['group_gid'] is not None and found['user'] is not None and not user_differences(wanted, found)
