"""The one decision point: every read and write of the registry is decided here.

`AccessControl` owns the Casbin enforcer. It turns the policy into one `Grant` per office the
first time that office calls after a (re)load, so the policy decides a few hundred times per office
per policy version instead of once per field per row (each from the office's own lines, read once
from Casbin: `AccessControl._decider`). Policy files are watched: a change is
picked up on the next request, without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import casbin
from casbin.util import key_match

from policies.adapter import PolicyFolderAdapter
from policies.check import ROW_SCOPES, PolicyProblems, require_sound
from policies.grants import Grant, OfficeIdentity
from policies.officers import case_ref_purposes
from settings import POLICY_DIR

log = logging.getLogger("borderlabour.policy")
# Casbin logs the whole policy at INFO on every load: noise in the service log.
logging.getLogger("casbin").setLevel(logging.WARNING)

# The model `policies/model.conf` states, as Casbin holds it once loaded: an office holds what a line
# of its own or of one of its roles allows, the object matched by keyMatch, the action equal; no
# line denies. A grant for this model is read from the office's own lines (`AccessControl._decider`).
MATCHER = "g(r_sub, p_sub) && keyMatch(r_obj, p_obj) && r_act == p_act"
EFFECT = "some(where (p_eft == allow))"


@dataclass(frozen=True)
class Explanation:
    allowed: bool
    rule: list[str] | None
    roles: list[str]


class AccessControl:
    """Loads the policy folder and answers, per office, what the policy allows."""

    def __init__(
        self,
        catalogue: Iterable[str],
        duties: Iterable[str],
        policy_dir: Path = POLICY_DIR,
        check_interval: float = 1.0,
    ) -> None:
        self.catalogue = tuple(sorted(set(catalogue)))
        self.duties = tuple(sorted(set(duties)))
        self.policy_dir = Path(policy_dir)
        self.check_interval = check_interval
        self.version = 0
        self.reloads = 0
        self.decisions = 0
        self._lock = threading.RLock()
        self._grants: dict[str, Grant] = {}
        self._stamp: tuple[tuple[str, float, int], ...] = ()
        self._checked_at = 0.0
        self._listeners: list = []
        self._load()

    # -- loading -------------------------------------------------------------------------
    def _files_stamp(self) -> tuple[tuple[str, float, int], ...]:
        files = [self.policy_dir / "model.conf", *PolicyFolderAdapter(self.policy_dir).policy_files()]
        return tuple((p.name, p.stat().st_mtime, p.stat().st_size) for p in files)

    def _load(self) -> None:
        require_sound(self.policy_dir, self.catalogue, self.duties)
        enforcer = casbin.Enforcer(str(self.policy_dir / "model.conf"), PolicyFolderAdapter(self.policy_dir))
        # Casbin accepts some broken models and only fails when asked: ask once before switching.
        enforcer.enforce("policy-check", "policy-check", "read")
        with self._lock:
            self._enforcer = enforcer
            self._case_refs = case_ref_purposes(self.policy_dir)
            self._grants = {}
            self._stamp = self._files_stamp()
            self.version += 1
            self.reloads += 1
        for listener in self._listeners:
            listener(self.version)
        if self.version > 1:
            log.info("policy reloaded: version %s", self.version)

    def on_reload(self, listener: Callable[[int], None]) -> None:
        self._listeners.append(listener)

    def reload(self) -> None:
        self._load()

    def reload_if_changed(self) -> bool:
        """Cheap enough for every request: stats the files at most once per interval."""
        now = time.monotonic()
        if now - self._checked_at < self.check_interval:
            return False
        self._checked_at = now
        try:
            stamp = self._files_stamp()
        except OSError:
            return False
        if stamp == self._stamp:
            return False
        try:
            self._load()
        except PolicyProblems as problems:
            for finding in problems.findings:
                log.error("policy not reloaded, keeping version %s: %s", self.version, finding)
            self._stamp = stamp
            return False
        except Exception:  # a half-saved file must not take the service down: keep the last policy
            log.exception("policy reload failed; keeping version %s", self.version)
            self._stamp = stamp
            return False
        return True

    # -- deciding ------------------------------------------------------------------------
    def _enforce(self, sub: str, obj: str, act: str) -> bool:
        self.decisions += 1
        return bool(self._enforcer.enforce(sub, obj, act))

    def grant_for(self, office: OfficeIdentity) -> Grant:
        grant = self._grants.get(office.code)
        if grant is not None and grant.office == office:
            return grant
        with self._lock:
            code = office.code
            allows = self._decider(code)
            purposes = {rule[2] for rule in self._enforcer.get_filtered_named_policy("p", 1, "purpose")}
            stated = frozenset(p for p in purposes if allows("purpose", p))
            roles = [code, *self._enforcer.get_implicit_roles_for_user(code)]
            with_case = frozenset(p for role in roles for p in self._case_refs.get(role, ()))
            grant = Grant(
                office=office,
                readable=frozenset(f for f in self.catalogue if allows(f, "read")),
                writable=frozenset(d for d in self.duties if allows(d, "write")),
                row_scopes=frozenset(s for s in ROW_SCOPES if allows("rows", s)),
                purposes=stated,
                policy_version=self.version,
                case_ref_purposes=with_case & stated,
            )
            self._grants[code] = grant
            return grant

    def _decider(self, code: str) -> Callable[[str, str], bool]:
        """Whether the policy allows office `code` an (object, action): the decisions of a grant.

        Asked one by one, Casbin evaluates the model's matcher on every line of every policy file
        for each of an office's 160 decisions: about 0.25 s of CPU per office, paid by each process
        at its first request from that office and after each reload, by every test server too.
        For the model `policies/model.conf` states (`MATCHER`, `EFFECT`) the office's own lines,
        those of the office and of its roles as Casbin's role manager resolves them, decide the
        same with the same keyMatch; `tests/test_grant_decisions.py` compares both for every
        office and every decision. Any other model is asked decision by decision.
        """
        model = self._enforcer.model
        if (model["m"]["m"].value, model["e"]["e"].value) != (MATCHER, EFFECT):
            return lambda obj, act: self._enforce(code, obj, act)
        lines = [(line[1], line[2]) for line in self._enforcer.get_implicit_permissions_for_user(code)]

        def allows(obj: str, act: str) -> bool:
            self.decisions += 1
            return any(act == action and key_match(obj, pattern) for pattern, action in lines)

        return allows

    def unrestricted_grant(self, office: OfficeIdentity) -> Grant:
        """Every field, every row: for the benchmark's baseline and internal tools, never HTTP."""
        return Grant(
            office=office,
            readable=frozenset(self.catalogue),
            writable=frozenset(self.duties),
            row_scopes=frozenset({"all"}),
            purposes=frozenset(),
            policy_version=self.version,
            unrestricted=True,
        )

    def explain(self, office_code: str, resource: str, action: str = "read") -> Explanation:
        allowed, rule = self._enforcer.enforce_ex(office_code, resource, action)
        roles = self._enforcer.get_implicit_roles_for_user(office_code)
        return Explanation(bool(allowed), list(rule) if rule else None, roles)

    def roles_of(self, office_code: str) -> list[str]:
        """The roles an office holds (offices.csv), e.g. to find the focal office that signs a report."""
        return list(self._enforcer.get_implicit_roles_for_user(office_code))

    def known_subjects(self) -> list[str]:
        return sorted({rule[0] for rule in self._enforcer.get_named_grouping_policy("g")})

    def rules_mentioning(self, resource: str) -> list[list[str]]:
        """Policy lines whose object pattern covers `resource` (for the coverage test)."""
        from casbin.util import key_match

        return [r for r in self._enforcer.get_policy() if key_match(resource, r[1])]
