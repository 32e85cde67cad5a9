"""Errors that resolvers raise for the client: each names the input field it is about."""

from __future__ import annotations


class InputError(Exception):
    """A write or a query argument that the registry refuses; safe to show to the client."""

    def __init__(self, field: str | None, message: str, code: str = "INVALID") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


class NotFoundError(InputError):
    """Also what a row outside the caller's jurisdiction looks like."""

    def __init__(self, field: str, type_name: str) -> None:
        super().__init__(field, f"no {type_name} with this ID", "NOT_FOUND")
