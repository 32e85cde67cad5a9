"""A de-identified worker's exit keeps the protection it was made with (README, "Retention"): retention
erases the insurance policy numbers with the rest of the worker's identity, and `procedure check` does
not then report the exit as made without the insurance its agreement required.

Over a registry of its own (`tests.own_registry_fixtures`): a worker de-identified while a partner's
window on it is still open (a state real periods never reach) would be seen by the shared registry's
other tests.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from models import Placement
from models.opaque import decode_id
from models.sealing import Keyring, set_keyring
from policies.sessions import internal_session
from retention import erasure
from tests import own_registry_fixtures as own
from tests import procedure_steps as steps
from tests.test_protection_check import REQUIRE, RULE, _exit, _placed

registry, database, as_office, live_server, engine = (
    own.registry,
    own.database,
    own.as_office,
    own.live_server,
    own.engine,
)


def test_an_exit_keeps_the_insurance_it_had_once_retention_erases_the_policy_numbers(
    database, as_office, engine
) -> None:
    """The insurance was there on the day of the exit: erasing its numbers later does not undo it."""
    labour = as_office("lc-home-affairs")
    code = steps.new_agreement(as_office)
    agreement, _ = steps.ids(labour, code, "CN-YN-HH-HK")
    required = {
        "agreementId": agreement,
        "protectionBeforeExit": ["insurance"],
        "validFrom": steps.days_ago(1),
    }
    assert labour.data(REQUIRE, {"input": required})["updateAgreementRequirements"]["errors"] == []
    worker = _placed(as_office, code, None, insured=True, start_days_ago=0)
    crossed = _exit(as_office, worker)
    assert crossed["errors"] == [], crossed["errors"]
    set_keyring(Keyring.load(database.key_file))
    worker_id, crossing_id = (
        decode_id(worker, "Worker")[1],
        decode_id(crossed["crossing"]["id"], "Crossing")[1],
    )
    # The worker de-identified by the statements `retention apply` runs for a due worker.
    with internal_session(sessionmaker(engine)) as session:  # as `retention apply` opens one
        erasure._erase_records(session, "placements", [worker_id])
        erasure._erase_workers(session, [worker_id], steps.today())
        session.commit()
        numbers = session.execute(
            select(Placement.injury_policy_number, Placement.health_policy_number).where(
                Placement.worker_id == worker_id
            )
        ).one()
    assert tuple(numbers) == (None, None)
    _, found = steps.procedure_check(database)
    assert RULE not in found.get(f"Crossing {crossing_id}", {}), found.get(f"Crossing {crossing_id}")
