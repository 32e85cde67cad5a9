"""`borderlabour webhooks add|list|remove|replay`: an office's HTTP receivers of its events."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.database import open_database, writing
from cli.errors import UsageError
from cli.language import cell, say, words
from locales import N_


def add(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from events.feed import KindRefused, kinds_for
    from models import EventRecord, Office, Webhook
    from models.sealing import keyring
    from policies.access import AccessControl
    from policies.purposes import PurposeRefused, check_purpose
    from policies.tokens import identity_of
    from policies.validity import refusal, validity_of
    from procedure import calendar as clock

    settings = args.settings
    if not settings.webhook_allowed(args.url):
        raise UsageError(
            "{url} is not allowed: add its prefix to BORDERLABOUR_WEBHOOK_URLS (now: {allowed})",
            url=args.url,
            allowed=settings.webhook_urls or "none",
        )
    secret = Path(args.secret_file).read_text("utf-8").strip()
    if len(secret) < 16:
        raise UsageError("the secret in {path} is shorter than 16 characters", path=args.secret_file)
    sessions = open_database(settings)
    from schema.builder import policy_catalogue, write_duties  # the schema loads only when asked

    access = AccessControl(policy_catalogue(), write_duties(), settings.policy_dir)
    with writing(sessions) as session:
        office = session.scalars(select(Office).where(Office.code == args.office)).first()
        if office is None:
            raise UsageError("no office with code {office!r}", office=args.office)
        closed = refusal(office.code, validity_of(session, office, clock.today()), clock.today())
        if closed is not None:  # a closed office is told nothing more (dispatch.delivery)
            raise UsageError(closed.template, **closed.params)
        grant = access.grant_for(identity_of(office))
        try:
            check_purpose(grant, args.purpose, case_ref=None)  # a webhook's posts name no case
            kinds = sorted(kinds_for(grant, args.kinds)) if args.kinds else None
        except (PurposeRefused, KindRefused) as exc:
            raise UsageError(str(exc)) from None
        newest = session.scalar(select(func.coalesce(func.max(EventRecord.seq), 0)))
        hook = Webhook(
            office_id=office.id,
            url=args.url,
            secret_sealed=keyring().seal(secret),
            purpose=args.purpose,
            kinds=",".join(kinds) if kinds else None,
            position=0 if args.from_start else int(newest or 0),
            delivered=0,
            attempts=0,
        )
        session.add(hook)
        session.flush()
        say(N_("webhook {id} for {office}: {url}"), id=hook.id, office=office.code, url=args.url)
    return 0


def list_webhooks(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from models import EventRecord, Office, Webhook

    sessions = open_database(args.settings)
    with sessions() as session:
        newest = int(session.scalar(select(func.coalesce(func.max(EventRecord.seq), 0))) or 0)
        rows = session.execute(select(Webhook, Office.code).join(Office).order_by(Webhook.id)).all()
        heads = (N_("id"), N_("office"), N_("state"), N_("behind"), N_("sent"), N_("last error"), N_("url"))
        print(_hook_line(*(words(head) for head in heads)))
        for hook, code in rows:
            if hook.parked_at:
                state = words(N_("parked"))
            else:
                state = words(N_("failing")) if hook.failing_since else words(N_("ok"))
            behind = newest - hook.position  # outbox events not yet passed (the office's and others')
            error = hook.last_error or "-"
            print(_hook_line(str(hook.id), code, state, str(behind), str(hook.delivered), error, hook.url))
    return 0


def _hook_line(ident: str, office: str, state: str, behind: str, sent: str, error: str, url: str) -> str:
    """One line of `webhooks list`, its columns in line whatever the language (`cell`)."""
    left = [cell(ident, 4, right=True), "", cell(office, 16), cell(state, 8), cell(behind, 7, right=True)]
    return " ".join([*left, cell(sent, 6, right=True), "", cell(error, 16), url])


def remove(args: argparse.Namespace) -> int:
    from models import Webhook

    sessions = open_database(args.settings)
    with writing(sessions) as session:
        hook = session.get(Webhook, args.id)
        if hook is None:
            raise UsageError("no webhook with id {id}", id=args.id)
        session.delete(hook)
    say(N_("webhook {id} removed"), id=args.id)
    return 0


def replay(args: argparse.Namespace) -> int:
    """Resumes a parked or failing webhook now; `--from-start` sends again from the first event."""
    from models import Webhook

    sessions = open_database(args.settings)
    with writing(sessions) as session:
        hook = session.get(Webhook, args.id)
        if hook is None:
            raise UsageError("no webhook with id {id}", id=args.id)
        if args.from_start:
            hook.position = 0
        hook.parked_at = hook.failing_since = hook.next_attempt_at = hook.last_error = None
        hook.attempts = 0
    say(N_("webhook {id} resumed"), id=args.id)
    return 0


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    hooks = commands.add_parser("webhooks", help="add, list, remove and replay webhooks")
    sub = hooks.add_subparsers(dest="webhooks_cmd", required=True)
    a = sub.add_parser("add", parents=[common], help="post an office's events to a URL, signed")
    a.add_argument("--office", required=True, help="the office's code")
    a.add_argument("--url", required=True, help="where the events are posted")
    a.add_argument("--secret-file", required=True, help="a file holding the shared secret (16+ characters)")
    a.add_argument("--purpose", required=True, help="the office's purpose for receiving them (ledgered)")
    a.add_argument("--kinds", nargs="*", help="only these kinds (e.g. PLACEMENT_PLANNED); default all")
    a.add_argument("--from-start", action="store_true", help="also every event already in the outbox")
    a.set_defaults(func=add)
    sub.add_parser("list", parents=[common], help="webhooks, their state and backlog").set_defaults(
        func=list_webhooks
    )
    r = sub.add_parser("remove", parents=[common], help="stop and forget a webhook")
    r.add_argument("id", type=int, help="the webhook's id (`webhooks list`)")
    r.set_defaults(func=remove)
    p = sub.add_parser("replay", parents=[common], help="resume a parked webhook (and resend)")
    p.add_argument("id", type=int, help="the webhook's id (`webhooks list`)")
    p.add_argument("--from-start", action="store_true", help="resend every event from the first")
    p.set_defaults(func=replay)
