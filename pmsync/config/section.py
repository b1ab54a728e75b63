"""The base of every part of the configuration."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ConfigSection(BaseModel):
    """A part of the configuration: frozen, and an unknown key is an error (a misspelt key
    must not silently leave its default in place)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
