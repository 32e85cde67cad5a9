"""Every office's grant holds exactly what Casbin's own enforcer decides, one decision at a time.

A grant is read from the office's own policy lines (`policies.access.AccessControl._decider`)
instead of asking Casbin's matcher once per field: this compares the two for every office in
`policies/offices.csv`, in force or closed, and every decision a grant holds (each readable field,
write duty, row scope and purpose). The expectation is Casbin's `enforce` over the same files.
With any other model the grant is asked of Casbin decision by decision, and still agrees.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policies.access import AccessControl
from policies.check import ROW_SCOPES
from policies.grants import Grant, OfficeIdentity
from schema.builder import policy_catalogue, write_duties
from settings import POLICY_DIR
from tests.policy_expectations import ALL_PURPOSES, OFFICES

pytestmark = pytest.mark.engine_independent("reads the policy files; no database")


def _enforced(access: AccessControl, code: str) -> dict[str, frozenset[str]]:
    """What Casbin's enforcer allows `code`, asked one decision at a time (`explain`)."""

    def allowed(obj: str, act: str) -> bool:
        return access.explain(code, obj, act).allowed

    return {
        "readable": frozenset(f for f in access.catalogue if allowed(f, "read")),
        "writable": frozenset(d for d in access.duties if allowed(d, "write")),
        "row_scopes": frozenset(s for s in ROW_SCOPES if allowed("rows", s)),
        "purposes": frozenset(p for p in ALL_PURPOSES if allowed("purpose", p)),
    }


def _held(grant: Grant) -> dict[str, frozenset[str]]:
    return {
        "readable": grant.readable,
        "writable": grant.writable,
        "row_scopes": grant.row_scopes,
        "purposes": grant.purposes,
    }


def _grant(access: AccessControl, code: str) -> Grant:
    return access.grant_for(OfficeIdentity(0, code, code, "", None))


def test_every_offices_grant_holds_exactly_what_casbin_enforces() -> None:
    access = AccessControl(policy_catalogue(), write_duties())
    assert len(OFFICES) > 15
    for code in OFFICES:
        assert _held(_grant(access, code)) == _enforced(access, code), code
    # not an empty policy agreeing with itself: some office reads, writes, sees rows and states purposes
    assert all(any(_held(_grant(access, c))[k] for c in OFFICES) for k in _held(_grant(access, OFFICES[0])))


def test_under_another_model_the_grant_is_what_casbin_enforces_under_that_model(tmp_path: Path) -> None:
    """The same lines under a matcher without role inheritance (an office holds its own lines
    only): the grants follow that model, not the one the office's lines are read for."""
    folder = tmp_path / "policies"
    shutil.copytree(POLICY_DIR, folder)
    model = folder / "model.conf"
    stated = "m = g(r.sub, p.sub) && keyMatch(r.obj, p.obj) && r.act == p.act"
    assert stated in model.read_text()
    model.write_text(
        model.read_text().replace(stated, "m = r.sub == p.sub && keyMatch(r.obj, p.obj) && r.act == p.act")
    )
    own_lines_only = AccessControl(policy_catalogue(), write_duties(), folder)
    stock = AccessControl(policy_catalogue(), write_duties())
    for code in ("cn-hekou", "tq-home-affairs", "admin"):
        assert _held(_grant(own_lines_only, code)) == _enforced(own_lines_only, code), code
    # the model makes a difference: offices hold their roles' lines under the stated model only
    assert _held(_grant(own_lines_only, "cn-hekou")) != _held(_grant(stock, "cn-hekou"))
