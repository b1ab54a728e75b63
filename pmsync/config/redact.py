"""Keep secrets out of everything pmsync prints or logs.

A token leaks in more shapes than its own: requests sends Jira Cloud credentials as
``Basic base64(email:token)``, URLs carry values percent-encoded, and a PEM key shows up
line by line or with escaped newlines. ``redact`` masks all of those forms.
"""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

from pmsync.config.settings import Settings

MASK = "***"
# How much of a service's answer an annotation or the job summary shows, after masking.
DETAIL_LIMIT = 500
# Shorter values would mask ordinary words; longer than MASK so redaction always ends.
MIN_SECRET_LENGTH = 4
# A line of a multi-line secret (a PEM key) is masked on its own from this length.
_MIN_LINE_LENGTH = 16


def secret_forms(secret: str) -> set[str]:
    """The secret as written, percent-encoded, base64-encoded and JSON-escaped."""
    if len(secret) < MIN_SECRET_LENGTH:
        return set()
    raw = secret.encode("utf-8")
    forms = {
        secret,
        quote(secret, safe=""),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        base64.b64encode(raw).decode("ascii"),
        base64.urlsafe_b64encode(raw).decode("ascii"),
    }
    forms |= {form.rstrip("=") for form in forms}
    lines = [line.strip() for line in secret.splitlines()]
    forms |= {line for line in lines if len(line) >= _MIN_LINE_LENGTH}
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


class Redactor:
    """Masks a growing set of secrets; add tokens minted at run time with :meth:`add`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        forms = secret_forms(secret)
        if forms - self._forms:
            self._forms |= forms
            # longest first, so a secret is never half-masked by a shorter form inside it
            alternatives = sorted(self._forms, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(form) for form in alternatives))

    def redact(self, text: str) -> str:
        if self._pattern is None:
            return text
        # Repeat until stable: masking can join the ends of two pieces into a secret again.
        # Each pass shortens the text (every form is longer than MASK), so this ends.
        while True:
            masked = self._pattern.sub(MASK, text)
            if masked == text:
                return masked
            text = masked

    def shortened(self, text: str, limit: int = DETAIL_LIMIT) -> str:
        """``text`` masked, then cut to ``limit`` characters. Never the other way round: a
        cut through a secret leaves a prefix that no form of it matches."""
        masked = self.redact(text)
        return masked if len(masked) <= limit else masked[: limit - 1] + "…"


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every known form of every secret replaced by ``***``."""
    return Redactor(secrets).redact(text)


class RedactingFilter(logging.Filter):
    """Rewrites each record's message, arguments and traceback text before it is emitted."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format
            message = f"{record.msg} {record.args}"
        record.msg = self.redactor.redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redactor.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redactor.redact(record.stack_info)
        return True


def install_redaction(settings: Settings, logger: logging.Logger | None = None) -> Redactor:
    """Mask ``settings``' secrets in everything ``logger`` (default: root) and its handlers emit.

    Records logged on child loggers skip the root logger's own filters but pass its
    handlers' filters, so the filter goes on both. Call it after logging is configured;
    calling it again replaces the earlier filter instead of stacking another.
    """
    target = logger if logger is not None else logging.getLogger()
    redactor = Redactor(settings.secret_values())
    redacting = RedactingFilter(redactor)
    for holder in (target, *target.handlers):
        for old in [f for f in holder.filters if isinstance(f, RedactingFilter)]:
            holder.removeFilter(old)
        holder.addFilter(redacting)
    return redactor
