"""Errors that resolvers raise for the client: each names the input field it is about.

A message is an English template with `{name}` placeholders and its values kept apart
(`InputError("first", "must be between {low} and {high}", "OUT_OF_RANGE", low=0, high=100)`), so the
layer that answers the client can translate the template into the caller's language before filling
it in. Never pass an f-string: a filled-in message cannot be looked up in a catalogue.
"""

from __future__ import annotations

from typing import Any

from locales import N_, Term

# How a type is named inside a sentence in Vietnamese and Chinese (the API's name stays in English).
TYPE_NOUNS = {
    "Agreement": N_("agreement"),
    "Worker": N_("worker"),
    "Placement": N_("placement"),
    "Employer": N_("employer"),
    "Incident": N_("incident"),
    "TalksMinutes": N_("talks minutes"),
}


def type_term(type_name: str) -> str:
    noun = TYPE_NOUNS.get(type_name)
    return Term.of(type_name, noun=noun) if noun else type_name


class InputError(Exception):
    """A write or a query argument that the registry refuses; safe to show to the client."""

    def __init__(self, field: str | None, message: str, code: str = "INVALID", **params: Any) -> None:
        self.field = field
        self.template = message
        self.params = params
        self.code = code
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """The English message, placeholders filled in."""
        return self.template.format(**self.params) if self.params else self.template


class NotFoundError(InputError):
    """Also what a row outside the caller's jurisdiction looks like."""

    def __init__(self, field: str, type_name: str) -> None:
        super().__init__(
            field, N_("no {type_name} with this ID"), "NOT_FOUND", type_name=type_term(type_name)
        )
