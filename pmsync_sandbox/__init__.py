"""The sandbox: a local emulator of the GitHub and Jira REST endpoints pmsync uses, and the
demo told on it. The real PyGithub and `jira` clients talk to it over HTTP on 127.0.0.1.

pmsync itself never imports this package; only `pmsync demo` and `pmsync sandbox` load it,
when they run (docs/adr/0005-sandbox-package.md).
"""
