"""Registering workers and moving them through the lifecycle."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from models import Sex, UnitLevel, Worker, WorkerStatus
from models.sealing import keyring
from policies.sessions import identity_taken, record_duplicate
from resolvers.clock import years_before
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find_unit, require_in_scope, set_status


def register_worker(w: WriteContext, data: Any) -> Worker:
    session, today = w.session, w.today
    checks = Checks()
    full_name = checks.text("fullName", data.full_name)
    born = checks.date(
        "dateOfBirth",
        data.date_of_birth,
        earliest=years_before(today, 80),
        latest=years_before(today, 15),
    )
    ethnicity = checks.text("ethnicity", data.ethnicity, max_len=64)
    national_id = checks.pattern("nationalIdNumber", data.national_id_number, r"\d{12}", "must be 12 digits")
    border_pass = checks.pattern(
        "borderPassNumber",
        data.border_pass_number,
        r"[A-Z0-9]{6,12}",
        "must be 6-12 letters or digits",
        required=False,
    )
    passport = checks.pattern(
        "passportNumber",
        data.passport_number,
        r"[A-Z][0-9]{7,8}",
        "must be a letter and 7-8 digits",
        required=False,
    )
    phone = checks.pattern("phone", data.phone, r"\+?\d{9,12}", "must be 9-12 digits", required=False)
    commune = None
    try:
        commune = find_unit(session, "homeCommuneCode", data.home_commune_code)
        if commune.level != UnitLevel.COMMUNE or commune.parent is None or commune.parent.parent is None:
            checks.fail("homeCommuneCode", "must be the code of a commune", "INVALID")
            commune = None
    except InputError as exc:
        checks.errors.append(exc)
    ring = keyring()
    national_id_index = ring.blind_index(national_id)
    if national_id_index and identity_taken(session, Worker.national_id_index, national_id_index):
        checks.fail("nationalIdNumber", "is already registered", "DUPLICATE")
    if born is None and data.date_of_birth is None:
        checks.fail("dateOfBirth", "is required", "REQUIRED")
    checks.done()
    if commune is None or born is None:  # unreachable: each None above came with an error
        raise InputError("homeCommuneCode", "could not be read", "INVALID")
    worker = Worker(
        full_name=full_name,
        date_of_birth=born,
        sex=Sex(data.sex.value),
        ethnicity=ethnicity,
        national_id_sealed=ring.seal(national_id),
        national_id_index=ring.blind_index(national_id),
        border_pass_sealed=ring.seal(border_pass),
        border_pass_index=ring.blind_index(border_pass),
        passport_sealed=ring.seal(passport),
        passport_index=ring.blind_index(passport),
        phone_sealed=ring.seal(phone),
        home_commune_id=commune.id,
        home_district_id=commune.parent.id,
        home_province_id=commune.parent.parent.id,
        status=WorkerStatus.REGISTERED,
        registered_by_office_id=w.grant.office.id,
    )
    session.add(worker)
    try:
        session.flush()
    except IntegrityError as exc:
        # The same number was registered by a request that committed after the check above.
        if "national_id_index" not in str(exc.orig):
            raise
        record_duplicate(session, Worker.national_id_index, worker.national_id_index)
        raise InputError("nationalIdNumber", "is already registered", "DUPLICATE") from exc
    require_in_scope(session, worker, "homeCommuneCode")
    return worker


def update_worker_status(w: WriteContext, data: Any) -> Worker:
    return set_status(w.session, Worker, "workerId", data.worker_id, "Worker", data.status)
