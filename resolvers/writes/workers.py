"""Registering workers, correcting their records, and changing their status by hand."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from locales import N_
from models import AdminUnit, Country, Sex, UnitLevel, Worker, WorkerStatus
from models.sealing import keyring
from procedure.calendar import years_before
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes import lifecycle
from resolvers.writes.common import WriteContext, find, find_unit, in_force, require_in_scope
from resolvers.writes.identity import check_national_id, check_unique, flush_numbers
from resolvers.writes.inputs import RegisterWorkerData, UpdateWorkerData

BORDER_PASS = (r"[A-Z0-9]{6,12}", N_("must be 6-12 letters or digits"))
PASSPORT = (r"[A-Z][0-9]{7,8}", N_("must be a letter and 7-8 digits"))
PHONE = (r"\+?\d{9,12}", N_("must be 9-12 digits"))


def _home(session: Session, commune: AdminUnit) -> tuple[AdminUnit | None, AdminUnit] | None:
    """The commune's district (none after the 2025 reform) and province, read from the unit data."""
    if commune.level != UnitLevel.COMMUNE or commune.country != Country.VN:
        return None
    district, unit = None, commune.parent
    while unit is not None and unit.level != UnitLevel.PROVINCE:
        if unit.level == UnitLevel.DISTRICT:
            district = unit
        unit = unit.parent
    return (district, unit) if unit is not None else None


def register_worker(w: WriteContext, data: RegisterWorkerData) -> Worker:
    session, today = w.session, w.today
    checks = Checks()
    full_name = checks.text("fullName", data.full_name)
    born = checks.date(
        "dateOfBirth",
        data.date_of_birth,
        earliest=years_before(today, 80),
        latest=years_before(today, 15),
    )
    if born is None and data.date_of_birth is None:
        checks.fail("dateOfBirth", "is required", "REQUIRED")
    sex = Sex(data.sex.value)
    ethnicity = checks.text("ethnicity", data.ethnicity, max_len=64)
    national_id = checks.pattern("nationalIdNumber", data.national_id_number, r"\d{12}", "must be 12 digits")
    border_pass = checks.pattern("borderPassNumber", data.border_pass_number, *BORDER_PASS, required=False)
    passport = checks.pattern("passportNumber", data.passport_number, *PASSPORT, required=False)
    phone = checks.pattern("phone", data.phone, *PHONE, required=False)
    commune = home = None
    try:
        commune = find_unit(session, "homeCommuneCode", data.home_commune_code)
        home = _home(session, commune)
        if home is None:
            checks.fail("homeCommuneCode", "must be the code of a commune", "INVALID")
        elif not in_force(commune, today):
            # A registration today uses today's units; a record made earlier keeps its own.
            checks.fail(
                "homeCommuneCode",
                "is not an administrative unit in force today (see administrativeUnits)",
                "UNIT_NOT_CURRENT",
            )
    except InputError as exc:
        checks.errors.append(exc)
    check_national_id(checks, national_id, born, sex)
    ring = keyring()
    national_id_index = check_unique(checks, w, "nationalIdNumber", Worker.national_id_index, national_id)
    border_pass_index = check_unique(checks, w, "borderPassNumber", Worker.border_pass_index, border_pass)
    passport_index = check_unique(checks, w, "passportNumber", Worker.passport_index, passport)
    checks.done()
    if commune is None or home is None or born is None:  # each came with an error above
        raise InputError("homeCommuneCode", "could not be read", "INVALID")
    district, province = home
    worker = Worker(
        full_name=full_name,
        date_of_birth=born,
        sex=sex,
        ethnicity=ethnicity,
        national_id_sealed=ring.seal(national_id),
        national_id_index=national_id_index,
        border_pass_sealed=ring.seal(border_pass),
        border_pass_index=border_pass_index,
        passport_sealed=ring.seal(passport),
        passport_index=passport_index,
        phone_sealed=ring.seal(phone),
        home_commune_id=commune.id,
        home_district_id=district.id if district is not None else None,
        home_province_id=province.id,
        status=WorkerStatus.REGISTERED,
        registered_by_office_id=w.grant.office.id,
    )
    session.add(worker)
    flush_numbers(w, worker)
    require_in_scope(session, worker, "homeCommuneCode")
    lifecycle.registered(w, worker)
    return worker


def update_worker(w: WriteContext, data: UpdateWorkerData) -> Worker:
    """A correction: the fields given replace the record's, with a reason kept beside them.

    An empty string removes an optional number (a lost border pass); a field left out is unchanged.
    """
    session = w.session
    checks = Checks()
    worker = find(session, Worker, "workerId", data.worker_id, "Worker")
    reason = checks.text("reason", data.reason, max_len=2000)
    ring = keyring()
    changed: dict[str, Any] = {}
    corrected: list[str] = []  # the fields as the policy names them: the event tells those who read one
    if data.full_name is not None:
        changed["full_name"] = checks.text("fullName", data.full_name)
        corrected.append("fullName")
    for field, value, pattern, sealed, index_column in (
        ("borderPassNumber", data.border_pass_number, BORDER_PASS, "border_pass", Worker.border_pass_index),
        ("passportNumber", data.passport_number, PASSPORT, "passport", Worker.passport_index),
    ):
        if value is None:
            continue
        number = checks.pattern(field, value, *pattern, required=False) if value.strip() else None
        changed[f"{sealed}_sealed"] = ring.seal(number)
        changed[f"{sealed}_index"] = check_unique(checks, w, field, index_column, number, worker.id)
        corrected.append(field)
    if data.phone is not None:
        number = checks.pattern("phone", data.phone, *PHONE, required=False) if data.phone.strip() else None
        changed["phone_sealed"] = ring.seal(number)
        corrected.append("phone")
    if not changed:
        checks.fail("workerId", "names no field to correct", "REQUIRED")
    checks.done()
    for name, value in changed.items():
        setattr(worker, name, value)
    flush_numbers(w, worker)
    w.correct(worker, "updateWorker", sorted(corrected), reason)
    return worker
