"""`borderlabour policy` and `borderlabour schema export`: the policy as its signatories read it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from cli.errors import UsageError
from cli.explain_row import explain_row
from cli.language import say, words
from locales import DEFAULT_LANGUAGE, N_, negotiate
from policies.grants import OfficeIdentity

if TYPE_CHECKING:
    from policies.access import AccessControl

# `schema.builder` (the GraphQL schema's types, which the catalogue of fields is read from) and the
# policy engine (casbin) are imported by the functions that need them, not above: every
# `borderlabour` command builds the whole parser first, and most commands never read the schema.


def _access(args: argparse.Namespace) -> AccessControl:
    from policies.access import AccessControl
    from schema.builder import policy_catalogue, write_duties

    return AccessControl(policy_catalogue(), write_duties(), args.settings.policy_dir)


def require_sound_policy(folder: Path) -> None:
    """What `serve` checks before it starts: the policy names nothing unknown."""
    from policies.check import require_sound
    from schema.builder import policy_catalogue, write_duties

    require_sound(folder, policy_catalogue(), write_duties())


def _office(access: AccessControl, code: str) -> OfficeIdentity:
    if code not in access.known_subjects():
        known = ", ".join(access.known_subjects())
        raise UsageError("unknown office {code!r}; the policy knows: {known}", code=code, known=known)
    return OfficeIdentity(0, code, code, "", None)


def check(args: argparse.Namespace) -> int:
    from policies.check import check_policy
    from schema.builder import policy_catalogue, write_duties

    folder = args.settings.policy_dir
    findings = check_policy(folder, policy_catalogue(), write_duties())
    for finding in findings:
        print(finding)
    if findings:
        say(
            N_("{n} policy line(s) in {folder} name something unknown"),
            n=len(findings),
            folder=folder,
            file=sys.stderr,
        )
        return 1
    say(
        N_("policy in {folder}: every line names a known field, duty, scope, purpose and office"),
        folder=folder,
    )
    return 0


def _where(access: AccessControl, rule: list[str]) -> str:
    """The file and line a rule comes from, so a reader can go and change it."""
    wanted = [part.strip() for part in rule]
    for path in sorted(access.policy_dir.glob("*.csv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            parts = [p.strip() for p in line.split(",")]
            if parts[:1] == ["p"] and parts[1:] == wanted:
                return f"{path.name}:{number}"
    return "?"


def matrix(args: argparse.Namespace) -> int:
    from schema.builder import visible_fields

    access = _access(args)
    offices = access.known_subjects()
    grants = {code: access.grant_for(_office(access, code)) for code in offices}
    visible = {code: visible_fields(grant) for code, grant in grants.items()}
    rows = [("field", *offices)]
    for resource in access.catalogue:
        rows.append((resource, *("R" if resource in visible[c] else "-" for c in offices)))
    for duty in access.duties:
        rows.append((f"write {duty}", *("W" if grants[c].can_write(duty) else "-" for c in offices)))
    rows.append(("row scope", *(",".join(sorted(grants[c].row_scopes)) or "none" for c in offices)))
    if args.format == "csv":
        for row in rows:
            print(",".join(row))
        return 0
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows[1:]:
        print("| " + " | ".join(row) + " |")
    return 0


def explain(args: argparse.Namespace) -> int:
    access = _access(args)
    office = _office(access, args.office)
    resource = args.field
    if resource in access.duties:
        action = "write"
    elif resource in access.catalogue:
        action = "read"
    else:
        say(
            N_("unknown field or duty {resource!r}: see `borderlabour policy matrix`"),
            resource=resource,
            file=sys.stderr,
        )
        return 2
    verdict = access.explain(office.code, resource, action)
    roles = ", ".join(verdict.roles) or words(N_("no role"))
    if verdict.allowed and verdict.rule:
        say(
            N_("ALLOWED: {office} may {action} {resource}"),
            office=office.code,
            action=action,
            resource=resource,
        )
        say(
            N_("  by rule: p, {rule}   ({where})"),
            rule=", ".join(verdict.rule),
            where=_where(access, verdict.rule),
        )
        say(N_("  because {office} holds the role(s): {roles}"), office=office.code, roles=roles)
        return 0
    say(
        N_("DENIED: no rule lets {office} (roles: {roles}) {action} {resource}"),
        office=office.code,
        roles=roles,
        action=action,
        resource=resource,
    )
    others = access.rules_mentioning(resource)
    if others:
        say(N_("  rules for this field, held by other roles:"))
        for rule in others:
            if rule[2] == action:
                print(f"    p, {', '.join(rule)}   ({_where(access, rule)})")
    return 1


def export_schema(args: argparse.Namespace) -> int:
    from schema.builder import OfficeSchema
    from schema.descriptions import translated_sdl

    access = _access(args)
    grant = access.grant_for(_office(access, args.office))
    schema = OfficeSchema(grant)
    language = negotiate(args.lang)
    print(schema.as_str() if language == DEFAULT_LANGUAGE else translated_sdl(schema._schema, language))
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    policy = commands.add_parser("policy", help="read the access policy").add_subparsers(
        dest="policy_cmd", required=True
    )
    m = policy.add_parser("matrix", help="print the office x field table")
    m.add_argument("--format", choices=["markdown", "csv"], default="markdown", help="the table's format")
    m.set_defaults(func=matrix)
    e = policy.add_parser("explain", help="say which rule allows or denies a field to an office")
    e.add_argument("office", help="the office's code")
    e.add_argument(
        "field", help="Type.field (e.g. Worker.nationalIdNumber) or a write duty (e.g. recordCrossing)"
    )
    e.set_defaults(func=explain)
    c = policy.add_parser(
        "check", help="list every policy line naming an unknown field, duty, scope, purpose or office"
    )
    c.set_defaults(func=check)
    r = policy.add_parser(
        "explain-row",
        parents=[common],
        help="say whether an office sees a worker today, through which placement and until which day",
    )
    r.add_argument("--office", required=True, help="the office's code")
    r.add_argument(
        "--worker", required=True, help="the worker's ID; write --worker=ID (an ID may begin with '-')"
    )
    r.set_defaults(func=explain_row)
    for p in (m, e, c, r):
        p.add_argument("--policy-dir", type=Path, default=None, help="default: $BORDERLABOUR_POLICY_DIR")
    schema = commands.add_parser("schema", help="the GraphQL schema").add_subparsers(
        dest="schema_cmd", required=True
    )
    x = schema.add_parser("export", help="print one office's SDL")
    x.add_argument("--office", required=True, help="the office whose schema is printed")
    x.add_argument("--policy-dir", type=Path, default=None, help="default: $BORDERLABOUR_POLICY_DIR")
    x.add_argument("--lang", default="en", help="language of the descriptions: en, vi or zh")
    x.set_defaults(func=export_schema)
