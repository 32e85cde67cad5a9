"""Every way an office's schema lets a document reach a personal type, generated from the schema.

A path is a chain of fields from a root field (query or mutation) to a field returning one of the
personal types named by the issue: Worker, Placement, Crossing, HealthCheck, PoliceClearance,
Incident. No type repeats on a path, so the set is finite. Each path is written as a document in
several shapes (plain, through a named fragment, through an inline fragment) with every required
argument passed as a variable, so the document validates without any value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
)

# From the issue text, not from the code under test.
PERSONAL = frozenset({"Worker", "Placement", "Crossing", "HealthCheck", "PoliceClearance", "Incident"})


@dataclass(frozen=True)
class Hop:
    parent: str  # the concrete type the field is selected on
    field: str
    via_interface: bool  # the parent was reached through an interface or union (`... on T`)


@dataclass(frozen=True)
class Path:
    operation: str
    hops: tuple[Hop, ...]
    target: str
    target_via_interface: bool = False  # the last field returns an interface or union

    @property
    def name(self) -> str:
        return f"{self.operation}:" + ".".join(h.field for h in self.hops) + f"->{self.target}"


def _concrete(schema: GraphQLSchema, type_: object) -> list[GraphQLObjectType]:
    if isinstance(type_, GraphQLObjectType):
        return [type_]
    if isinstance(type_, GraphQLInterfaceType | GraphQLUnionType):
        return list(schema.get_possible_types(type_))
    return []


def personal_paths(schema: GraphQLSchema, max_hops: int = 6) -> Iterator[Path]:
    for operation, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        if root is None:
            continue
        stack: list[tuple[GraphQLObjectType, tuple[Hop, ...], frozenset[str], bool]] = [
            (root, (), frozenset({root.name}), False)
        ]
        while stack:
            parent, hops, seen, via = stack.pop()
            for name, field in parent.fields.items():
                if name.startswith("__"):
                    continue
                returned = get_named_type(field.type)
                abstract = not isinstance(returned, GraphQLObjectType)
                for concrete in _concrete(schema, returned):
                    path = (*hops, Hop(parent.name, name, via))
                    if concrete.name in PERSONAL:
                        yield Path(operation, path, concrete.name, abstract)
                    elif concrete.name not in seen and len(path) < max_hops:
                        stack.append((concrete, path, seen | {concrete.name}, abstract))


def document(schema: GraphQLSchema, path: Path, shape: str = "plain") -> str:
    """The path as a document: `plain`, or its last hop inside a named (`fragment`) or an inline
    (`inline`) fragment. Required arguments become variables, so the document validates as is."""
    variables: list[str] = []
    inner = f"... on {path.target} {{ __typename }}" if path.target_via_interface else "__typename"
    fragment, last = "", len(path.hops) - 1
    for i in range(last, -1, -1):
        hop = path.hops[i]
        field = schema.get_type(hop.parent).fields[hop.field]  # type: ignore[union-attr]
        args = []
        for name, arg in field.args.items():
            if isinstance(arg.type, GraphQLNonNull):
                variables.append(f"$v{i}_{name}: {arg.type}")
                args.append(f"{name}: $v{i}_{name}")
        selection = f"{hop.field}({', '.join(args)})" if args else hop.field
        selection = f"{selection} {{ {inner} }}"
        if i == last and shape == "fragment":
            fragment = f" fragment Last on {hop.parent} {{ {selection} }}"
            selection = "...Last"
        elif hop.via_interface or (i == last and shape == "inline"):
            selection = f"... on {hop.parent} {{ {selection} }}"
        inner = selection
    head = path.operation + (f"({', '.join(variables)})" if variables else "")
    return f"{head} {{ {inner} }}{fragment}"


def sample_value(type_: object) -> object:
    """A well-formed value of an input field's type (its meaning does not matter to the check)."""
    if isinstance(type_, GraphQLNonNull):
        return sample_value(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [sample_value(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    return {
        "Int": 1,
        "Float": 1.0,
        "Boolean": True,
        "Date": "2000-01-01",
        "DateTime": "2000-01-01T00:00:00+00:00",
    }.get(getattr(type_, "name", ""), "x")


# What each filter and ordering of a root list searches by, as DOMAIN.md's records name the field
# ("Entity.field"): written here by hand, so a new criterion fails `root_list_criteria` until someone
# says what it searches by, and whether it is personal follows from the entity alone (PERSONAL).
CRITERIA = {
    "WorkerFilter": {
        "fullNameContains": "Worker.fullName",
        "bornAfter": "Worker.dateOfBirth",
        "bornBefore": "Worker.dateOfBirth",
        "sex": "Worker.sex",
        "ethnicity": "Worker.ethnicity",
        "nationalIdNumber": "Worker.nationalIdNumber",
        "borderPassNumber": "Worker.borderPassNumber",
        "passportNumber": "Worker.passportNumber",
        "status": "Worker.status",
        "homeProvinceCode": "Worker.homeProvince",
        "homeDistrictCode": "Worker.homeDistrict",
        "homeCommuneCode": "Worker.homeCommune",
    },
    "WorkerOrder": {"fullName": "Worker.fullName", "dateOfBirth": "Worker.dateOfBirth"},
    "PlacementFilter": {
        "workerId": "Placement.worker",
        "employerId": "Placement.employer",
        "agreementId": "Placement.agreement",
        "status": "Placement.status",
        "startedAfter": "Placement.startDate",
        "startedBefore": "Placement.startDate",
    },
    "PlacementOrder": {"startDate": "Placement.startDate"},
    "CrossingFilter": {
        "workerId": "Crossing.worker",
        "gateCode": "Crossing.gate",
        "direction": "Crossing.direction",
        "crossedAfter": "Crossing.crossedAt",
        "crossedBefore": "Crossing.crossedAt",
    },
    "CrossingOrder": {"crossedAt": "Crossing.crossedAt"},
    "IncidentFilter": {"workerId": "Incident.worker", "kind": "Incident.kind", "status": "Incident.status"},
    "IncidentOrder": {"occurredOn": "Incident.occurredOn"},
    "EmployerFilter": {
        "nameContains": "Employer.name",
        "sector": "Employer.sector",
        "countyCode": "Employer.county",
    },
    "EmployerOrder": {"nameVi": "Employer.name", "approvedQuota": "Employer.approvedQuota"},
}


def root_list_criteria(schema: GraphQLSchema) -> Iterator[tuple[str, str, str, str]]:
    """(root field, argument, input field, what it searches by) for every input field of a root
    field's input-object arguments; an input field missing from CRITERIA fails here."""
    for name, field in schema.query_type.fields.items():
        for arg_name, arg in field.args.items():
            input_type = get_named_type(arg.type)
            if isinstance(input_type, GraphQLInputObjectType):
                for input_name in input_type.fields:
                    named = CRITERIA.get(input_type.name, {}).get(input_name)
                    assert named, f"{input_type.name}.{input_name}: say in CRITERIA what it searches by"
                    yield name, arg_name, input_name, named


def personal_filters(schema: GraphQLSchema) -> Iterator[tuple[str, str, str]]:
    """(root field, argument, input field) for every criterion that names a personal type's field."""
    for root, argument, input_name, named in root_list_criteria(schema):
        if named.split(".", 1)[0] in PERSONAL:
            yield root, argument, input_name
