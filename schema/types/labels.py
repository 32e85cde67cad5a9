"""Enum labels as people read them, in English, Vietnamese and Chinese (from the catalogues)."""

from __future__ import annotations

import strawberry
from graphql import GraphQLEnumType

from locales import english_label, label
from resolvers.errors import InputError
from schema.context import Info


@strawberry.type(description="One value of an enum and its label in each language.")
class Label:
    value: str
    en: str
    vi: str
    zh: str


def labels_of(info: Info, enum: str) -> list[Label]:
    """The values of an enum of the caller's own schema; an enum it does not have does not exist."""
    kind = info._raw_info.schema.get_type(enum) if enum else None
    if not isinstance(kind, GraphQLEnumType) or enum.startswith("__"):
        raise InputError("enum", "no enum named {name}", "NOT_FOUND", name=enum[:64])
    return [
        Label(value=name, en=english_label(name), vi=label(name, "vi", enum), zh=label(name, "zh", enum))
        for name in kind.values
    ]
