"""Hypothesis strategies for read documents drawn from one office's own schema.

Every field the office can read may be drawn, at any nesting up to a bound, under aliases, inside
inline and named fragments (`... on Worker` under `node` included), behind `@include`/`@skip`, with
`__typename`, arguments from literals or variables, filters and orderings built from the office's
own input types, and IDs and cursors both real and broken.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
)
from hypothesis import strategies as st

MAX_NESTING = 5  # object levels below a root field; connections add two more (edges, node)

# Values worth trying for each filter field (by name), the real ones first: a demo code, a status.
FILTER_TEXT = {
    "fullNameContains": ["Thị", "a", "%", "x" * 201],
    "nameContains": ["Hekou", "河口", "_"],
    "ethnicity": ["Hmong", "Dao"],
    "sector": ["manufacturing", "agriculture"],
    "homeProvinceCode": ["VN-LC", "VN-HG", "nowhere"],
    "homeDistrictCode": ["VN-HG-MEOVAC", "nowhere"],
    "homeCommuneCode": ["VN-HG-MEOVAC-SONVI"],
    "countyCode": ["CN-YN-HH-HEKOU", "CN-GX-BS"],
    "gateCode": ["VN-LC-LAOCAI-HEKOU", "nowhere"],
    "nationalIdNumber": ["002198001234", "1" * 65],
    "borderPassNumber": ["HG9900123"],
    "passportNumber": ["C1234567"],
}
DATES = ["1990-01-01", "2000-06-30", "2024-01-01"]
MOMENTS = ["2024-01-01T00:00:00+00:00", "2025-06-01T12:00:00+07:00"]


def _named(type_: Any) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


@dataclass
class Samples:
    """Real global IDs and cursors of one office, and IDs of rows it does not see."""

    ids: list[str]
    cursors: list[str]


@dataclass
class Document:
    """The document being drawn: its fragments and variables as they are added."""

    draw: Any
    schema: GraphQLSchema
    samples: Samples
    fragments: dict[str, str] = field(default_factory=dict)
    variables: dict[str, tuple[str, Any]] = field(default_factory=dict)  # name -> (type, value)
    aliases: int = 0

    def text(self, selection: str) -> str:
        header = ""
        if self.variables:
            header = "query Q(" + ", ".join(f"${n}: {t}" for n, (t, _v) in self.variables.items()) + ") "
        return header + "{ " + selection + " }" + "".join(f"\n{f}" for f in self.fragments.values())

    def variable(self, type_name: str, value: Any) -> str:
        name = f"v{len(self.variables)}"
        self.variables[name] = (type_name, value)
        return f"${name}"

    # -- choices ---------------------------------------------------------------------------
    def maybe(self, p: float) -> bool:
        return self.draw(st.integers(0, 99)) < p * 100

    def directive(self) -> str:
        if not self.maybe(0.15):
            return ""
        keep = self.draw(st.booleans())
        word = self.draw(st.sampled_from(["include", "skip"]))
        shown = keep if word == "include" else not keep
        condition = self.variable("Boolean!", shown) if self.maybe(0.5) else str(shown).lower()
        return f" @{word}(if: {condition})"

    def alias(self) -> str:
        if self.aliases >= 20 or not self.maybe(0.15):
            return ""
        self.aliases += 1
        return f"a{self.aliases}: "

    # -- selections ------------------------------------------------------------------------
    def selection(self, type_: GraphQLObjectType, depth: int) -> str:
        names = sorted(type_.fields)
        chosen = self.draw(st.lists(st.sampled_from(names), min_size=1, max_size=5, unique=True))
        parts = [self.field(type_, name, depth) for name in chosen]
        parts = [p for p in parts if p] or ["__typename"]
        if self.maybe(0.2):
            parts.append("__typename")
        body = " ".join(parts)
        if self.maybe(0.15):
            return f"... on {type_.name} {{ {body} }}"
        if self.maybe(0.1):
            name = f"F{len(self.fragments)}"
            self.fragments[name] = f"fragment {name} on {type_.name} {{ {body} }}"
            return f"...{name}"
        return body

    def field(self, parent: GraphQLObjectType, name: str, depth: int) -> str:
        definition = parent.fields[name]
        target = _named(definition.type)
        if isinstance(target, GraphQLObjectType | GraphQLInterfaceType) and depth >= MAX_NESTING:
            return ""
        head = f"{self.alias()}{name}{self.arguments(definition)}{self.directive()}"
        if isinstance(target, GraphQLInterfaceType):
            return f"{head} {{ {self.interface(target, depth + 1)} }}"
        if not isinstance(target, GraphQLObjectType):
            return head
        return f"{head} {{ {self.selection(target, depth + 1)} }}"

    def interface(self, interface: GraphQLInterfaceType, depth: int) -> str:
        parts = ["id"] if self.maybe(0.5) else ["__typename"]
        implementations = sorted(
            t.name
            for t in self.schema.type_map.values()
            if isinstance(t, GraphQLObjectType) and interface in t.interfaces
        )
        for name in self.draw(st.lists(st.sampled_from(implementations), max_size=2, unique=True)):
            parts.append(f"... on {name} {{ {self.selection(self.schema.type_map[name], depth)} }}")
        return " ".join(parts)

    # -- arguments -------------------------------------------------------------------------
    def arguments(self, definition: Any) -> str:
        given = []
        for name, arg in sorted(definition.args.items()):
            value = self.argument(name, arg.type)
            if value is not None:
                given.append(f"{name}: {value}")
        return f"({', '.join(given)})" if given else ""

    def argument(self, name: str, type_: Any) -> str | None:
        required = isinstance(type_, GraphQLNonNull)
        if not required and not self.maybe(0.5):
            return None
        named = _named(type_)
        if name == "first":
            first = self.draw(st.sampled_from([0, 1, 2, 3, 3, 2, 1, 2, 3, 1, 101, -1]))
            return self.variable("Int!", first) if self.maybe(0.3) else str(first)
        if name == "id":
            return _quoted(self.draw(st.sampled_from(self.samples.ids)))
        if name == "after":
            return _quoted(self.draw(st.sampled_from(self.samples.cursors)))
        if isinstance(named, GraphQLInputObjectType):
            return self.input_object(named)
        if name == "parentCode":
            return _quoted(self.draw(st.sampled_from(["VN-LC", "VN-HG", "CN-YN"])))
        if isinstance(named, GraphQLEnumType):
            return self.draw(st.sampled_from(sorted(named.values)))
        return None

    def input_object(self, type_: GraphQLInputObjectType) -> str:
        names = sorted(type_.fields)
        chosen = self.draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
        values = [f"{n}: {self.input_value(n, type_.fields[n].type)}" for n in chosen]
        return "{" + ", ".join(values) + "}"

    def input_value(self, name: str, type_: Any) -> str:
        named = _named(type_)
        if isinstance(named, GraphQLEnumType):
            values = self.draw(
                st.lists(st.sampled_from(sorted(named.values)), min_size=1, max_size=2, unique=True)
            )
            return f"[{', '.join(values)}]" if isinstance(type_, GraphQLList) else values[0]
        if named.name == "ID":
            return _quoted(self.draw(st.sampled_from(self.samples.ids)))
        if named.name == "Date":
            return _quoted(self.draw(st.sampled_from(DATES)))
        if named.name == "DateTime":
            return _quoted(self.draw(st.sampled_from(MOMENTS)))
        return _quoted(self.draw(st.sampled_from(FILTER_TEXT.get(name, ["a"]))))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def read_documents(draw: Any, schema: GraphQLSchema, samples: Samples) -> tuple[str, dict[str, Any]]:
    """A read document of one office's schema and its variables."""
    document = Document(draw, schema, samples)
    query = schema.query_type
    assert query is not None
    roots = sorted(n for n in query.fields if not n.startswith("__"))
    chosen = draw(st.lists(st.sampled_from(roots), min_size=1, max_size=2, unique=True))
    body = " ".join(p for p in (document.field(query, name, 0) for name in chosen) if p) or "__typename"
    return document.text(body), {n: v for n, (_t, v) in document.variables.items()}


def every_field(schema: GraphQLSchema, type_: Any, depth: int) -> str:
    """Every field of the type and, `depth` levels down, of the types it leads to (lists of two)."""
    if isinstance(type_, GraphQLInterfaceType):
        implementations = sorted(
            t.name
            for t in schema.type_map.values()
            if isinstance(t, GraphQLObjectType) and type_ in t.interfaces
        )
        inner = " ".join(
            f"... on {n} {{ {every_field(schema, schema.type_map[n], depth)} }}" for n in implementations
        )
        return f"__typename {inner}"
    parts = []
    for name, definition in sorted(type_.fields.items()):
        target = _named(definition.type)
        first = "(first: 2)" if "first" in definition.args else ""
        if isinstance(target, GraphQLObjectType | GraphQLInterfaceType):
            if depth > 0:
                parts.append(f"{name}{first} {{ {every_field(schema, target, depth - 1)} }}")
        else:
            parts.append(f"{name}{first}")
    return " ".join(parts) or "__typename"


# Roots the compiled engine leaves to the reference engine by design: the event feed reads its rows
# through the office's scoped session, page by page, and shows each as the office's `node` (events/).
REFERENCE_ROOTS = frozenset({"events"})


def every_root(schema: GraphQLSchema, samples: Samples, depth: int) -> list[str]:
    """One document per root field selecting everything readable below it (`node` once per sample ID)."""
    query = schema.query_type
    assert query is not None
    documents = []
    for name, definition in sorted(query.fields.items()):
        if name in REFERENCE_ROOTS:
            continue
        target = _named(definition.type)
        body = (
            every_field(schema, target, depth)
            if isinstance(target, GraphQLObjectType | GraphQLInterfaceType)
            else ""
        )
        if name == "node":
            documents += [f"{{ node(id: {_quoted(i)}) {{ {body} }} }}" for i in samples.ids]
        elif "first" in definition.args:
            documents.append(f"{{ {name}(first: 3) {{ {body} }} }}")
        elif not any(isinstance(a.type, GraphQLNonNull) for a in definition.args.values()):
            documents.append(f"{{ {name} {{ {body} }} }}" if body else f"{{ {name} }}")
    return documents
