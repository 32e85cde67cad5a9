"""Incidents: reported by either side, updated by any party to them."""

from __future__ import annotations

from models import Incident, IncidentKind, IncidentStatus, Placement, Worker
from resolvers.errors import InputError
from resolvers.validation import Checks
from resolvers.writes.common import WriteContext, find
from resolvers.writes.inputs import ReportIncidentData, UpdateIncidentData


def report_incident(w: WriteContext, data: ReportIncidentData) -> Incident:
    session, grant = w.session, w.grant
    checks = Checks()
    occurred_on = checks.date("occurredOn", data.occurred_on)
    description = checks.text("description", data.description, max_len=4000)
    worker = placement = None
    try:
        worker = find(session, Worker, "workerId", data.worker_id, "Worker")
        if data.placement_id:
            placement = find(session, Placement, "placementId", data.placement_id, "Placement")
            if placement.worker_id != worker.id:
                checks.fail("placementId", "is not a placement of this worker", "MISMATCH")
    except InputError as exc:
        checks.errors.append(exc)
    checks.done()
    if worker is None:  # it came with an error above
        raise InputError("workerId", "could not be read", "INVALID")
    incident = Incident(
        worker_id=worker.id,
        placement_id=placement.id if placement else None,
        kind=IncidentKind(data.kind.value),
        occurred_on=occurred_on,
        description=description,
        status=IncidentStatus.OPEN,
        reported_by_office_id=grant.office.id,
    )
    session.add(incident)
    session.flush()
    return incident


def update_incident(w: WriteContext, data: UpdateIncidentData) -> Incident:
    session = w.session
    checks = Checks()
    incident = find(session, Incident, "incidentId", data.incident_id, "Incident")
    handling = checks.text("handling", data.handling, max_len=4000, required=False)
    resolution = checks.text("resolution", data.resolution, max_len=4000, required=False)
    status = IncidentStatus(data.status.value) if data.status else None
    if status == IncidentStatus.RESOLVED and not (resolution or incident.resolution):
        checks.fail("resolution", "is required to resolve an incident", "REQUIRED")
    checks.done()
    if handling is not None:
        incident.handling = handling
    if resolution is not None:
        incident.resolution = resolution
    if status is not None:
        if status == IncidentStatus.RESOLVED and incident.status != IncidentStatus.RESOLVED:
            incident.resolved_on = w.today
        elif status != IncidentStatus.RESOLVED:
            incident.resolved_on = None
        incident.status = status
    session.flush()
    return incident
