"""Requests to the sandbox never go through a proxy.

The sandbox listens on this machine. An ``HTTP_PROXY`` or ``HTTPS_PROXY`` meant for the
outside world (a company proxy, a CI runner's) cannot reach it: the proxy refuses the
request or sends it elsewhere. The control client opens its connections directly; the
real GitHub and Jira clients, whose ``requests`` sessions read the proxy variables on every
request, learn the sandbox's host from ``NO_PROXY``.
"""

from __future__ import annotations

import os
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Both spellings: requests reads no_proxy first, urllib lets the lower-case one win.
NO_PROXY_VARIABLES = ("no_proxy", "NO_PROXY")

# A urllib opener that ignores every proxy variable.
direct_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@contextmanager
def proxies_bypassed(*hosts: str) -> Iterator[None]:
    """While the block runs, requests from this process to ``hosts`` (and to the loopback
    names) go direct: they are added to ``NO_PROXY`` and ``no_proxy``, which are put back
    as they were afterwards."""
    previous = {name: os.environ.get(name) for name in NO_PROXY_VARIABLES}
    listed = [
        entry.strip()
        for value in previous.values()
        if value
        for entry in value.split(",")
        if entry.strip()
    ]
    merged = ",".join(dict.fromkeys([*listed, *filter(None, hosts), *LOOPBACK_HOSTS]))
    for name in NO_PROXY_VARIABLES:
        os.environ[name] = merged
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
