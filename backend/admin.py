"""Administration from the command line, against the configured DATABASE_URL (SQLite or
PostgreSQL); the database is migrated first, so this works on an empty one.

    python -m backend.admin staff create EMAIL --name NAME [--role agent|admin] [--password-link]
    python -m backend.admin staff list
    python -m backend.admin staff disable|enable|unlock|reset-2fa|password-link EMAIL
    python -m backend.admin staff role EMAIL agent|admin
    python -m backend.admin unit create NAME --kind library|school|higher_education|other
    python -m backend.admin unit list
    python -m backend.admin unit rename UNIT_ID NEW_NAME
    python -m backend.admin unit close UNIT_ID
    python -m backend.admin unit invite-main-user UNIT_ID EMAIL
    python -m backend.admin report --from DAY --to DAY --format csv [--decimal-comma] [--refresh]

A password is never an argument: it is asked twice without echo (or read from standard input
when that is not a terminal, for scripts), or --password-link mails a one-time link instead.
Every action is audited with the operator's name (--operator, by default the login name).
Mail goes through the outbox: the backend's sender delivers it while the backend runs.
"""

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi import HTTPException
from pydantic import ValidationError
from sqlalchemy.orm import Session

from backend import migrate
from backend.audit import Actor
from backend.db import Database
from backend.models import StaffRole, StaffUser, UnitKind
from backend.security import Security
from backend.services import second_factor, staff_accounts, unit_admin
from backend.services.errors import NotFound
from backend.services.faq_content import export_published
from backend.services.report_rollup import roll_up_due
from backend.services.reports import Period, PeriodError, build_report, to_csv
from backend.settings import Settings, get_settings
from knowledge.settings import PROJECT_ROOT


class CommandError(Exception):
    """A refusal to print for the operator (exit status 1)."""


def read_new_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("New password: ")
    if getpass.getpass("The same again: ") != first:
        raise CommandError("The passwords differ; nothing was changed.")
    return first


class Context:
    """What every command needs: the settings, the keys and the operator acting."""

    def __init__(self, settings: Settings, operator: str) -> None:
        self.settings = settings
        self.security = Security(settings)
        self.actor = Actor("operator", None, operator)


def _staff(db: Session, email: str) -> StaffUser:
    staff = staff_accounts.find_staff(db, email)
    if staff is None:
        raise NotFound(f"No staff user uses {email}.")
    return staff


def _staff_command(args: argparse.Namespace, db: Session, ctx: Context) -> str:
    if args.action == "create":
        password = None if args.password_link else read_new_password()
        staff = staff_accounts.add_staff_user(
            db,
            ctx.security,
            ctx.settings,
            ctx.actor,
            email=args.email,
            name=args.name,
            role=StaffRole(args.role),
            password=password,
        )
        how = "a set-password link was mailed" if password is None else "password set"
        return f"Staff user {staff.email} ({staff.role.value}) created; {how}."
    if args.action == "list":
        rows = [
            "\t".join(
                [
                    str(s.id),
                    s.email,
                    s.name,
                    s.role.value,
                    "active" if s.active else "disabled",
                    "locked" if s.locked else "-",
                    "2fa" if second_factor.enrolled(db, s) else "no-2fa",
                ]
            )
            for s in staff_accounts.list_staff(db)
        ]
        return "\n".join(["id\temail\tname\trole\tstatus\tlock\tsecond factor", *rows])
    staff = _staff(db, args.email)
    actions: dict[str, Callable[[], None]] = {
        "disable": lambda: staff_accounts.set_active(db, ctx.actor, staff, active=False),
        "enable": lambda: staff_accounts.set_active(db, ctx.actor, staff, active=True),
        "unlock": lambda: staff_accounts.unlock(db, ctx.actor, staff),
        "reset-2fa": lambda: staff_accounts.reset_second_factor(db, ctx.actor, staff),
        "password-link": lambda: staff_accounts.send_password_link(
            db, ctx.settings, ctx.actor, staff
        ),
        "role": lambda: staff_accounts.set_role(db, ctx.actor, staff, StaffRole(args.role)),
    }
    actions[args.action]()
    return f"{args.action}: done for {staff.email}."


def _unit_command(args: argparse.Namespace, db: Session, ctx: Context) -> str:
    if args.action == "create":
        unit = unit_admin.create_unit(db, ctx.actor, args.name, UnitKind(args.kind))
        return f"Unit {unit.id} created: {unit.name} ({unit.kind.value})."
    if args.action == "list":
        rows = [
            f"{u.id}\t{u.name}\t{u.kind.value}\t{'closed' if u.closed_at else 'open'}"
            for u in unit_admin.list_units(db)
        ]
        return "\n".join(["id\tname\tkind\tstatus", *rows])
    if args.action == "rename":
        unit = unit_admin.rename_unit(db, ctx.actor, args.unit_id, args.name)
        return f"Unit {unit.id} is now {unit.name}."
    if args.action == "close":
        unit = unit_admin.close_unit(db, ctx.actor, args.unit_id)
        return f"Unit {unit.id} closed."
    result = unit_admin.invite_main_user(db, ctx.settings, ctx.actor, args.unit_id, args.email)
    if result == "promoted":
        return f"{args.email} is now the main user of unit {args.unit_id}."
    return f"An invitation to register as main user of unit {args.unit_id} was mailed."


def _report_command(args: argparse.Namespace, db: Session, ctx: Context) -> str:
    """Every staff report of the period as CSV (as the console's export), for scheduled
    reports; --refresh first counts the days the rollup job has not (no backend running)."""
    try:
        period = Period.of(args.first, args.last)
    except PeriodError as error:
        raise CommandError(str(error)) from error
    if args.refresh:
        roll_up_due(db, ctx.settings)
    tables = build_report(db, period)
    return to_csv(tables, period, ctx.settings.report_small_count_threshold, args.decimal_comma)


def _faq_command(args: argparse.Namespace, db: Session, ctx: Context) -> str:
    """The published FAQ content as YAML, laid out as knowledge/ is."""
    return "\n".join(f"written: {path}" for path in export_published(db, args.to))


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m backend.admin", description=__doc__.split("\n\n")[0]
    )
    main.add_argument("--operator", default=None, help="your name for the audit log")
    groups = main.add_subparsers(dest="group", required=True)

    staff = groups.add_parser("staff", help="Celia staff users").add_subparsers(
        dest="action", required=True
    )
    create = staff.add_parser("create", help="create a staff user")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument("--role", choices=[r.value for r in StaffRole], default="agent")
    create.add_argument(
        "--password-link", action="store_true", help="mail a one-time set-password link"
    )
    staff.add_parser("list", help="list staff users")
    for action in ("disable", "enable", "unlock", "reset-2fa", "password-link"):
        staff.add_parser(action).add_argument("email")
    role = staff.add_parser("role", help="change a staff user's role")
    role.add_argument("email")
    role.add_argument("role", choices=[r.value for r in StaffRole])

    unit = groups.add_parser("unit", help="units").add_subparsers(dest="action", required=True)
    new_unit = unit.add_parser("create", help="create a unit")
    new_unit.add_argument("name")
    new_unit.add_argument("--kind", required=True, choices=[k.value for k in UnitKind])
    unit.add_parser("list", help="list units")
    rename = unit.add_parser("rename")
    rename.add_argument("unit_id", type=int)
    rename.add_argument("name")
    unit.add_parser("close").add_argument("unit_id", type=int)
    invite = unit.add_parser(
        "invite-main-user",
        help="a verified registrar becomes main user; anyone else gets an invitation e-mail",
    )
    invite.add_argument("unit_id", type=int)
    invite.add_argument("email")

    faq = groups.add_parser("faq", help="FAQ content").add_subparsers(dest="action", required=True)
    export = faq.add_parser("export", help="write the published FAQ content as YAML")
    export.add_argument("--to", type=Path, default=PROJECT_ROOT / "var" / "faq-export")

    report = groups.add_parser("report", help="the staff reports of a period, as CSV")
    report.add_argument("--from", dest="first", required=True, type=date.fromisoformat)
    report.add_argument("--to", dest="last", required=True, type=date.fromisoformat)
    report.add_argument("--format", choices=["csv"], default="csv")
    report.add_argument(
        "--decimal-comma", action="store_true", help="1,5 and ';' between fields (Finnish Excel)"
    )
    report.add_argument(
        "--refresh", action="store_true", help="count the days due first (no backend running)"
    )
    return main


def run(argv: list[str], settings: Settings) -> str:
    args = parser().parse_args(argv)
    ctx = Context(settings, args.operator or getpass.getuser())
    migrate.upgrade(settings.database_url)
    database = Database(settings.database_url)
    try:
        with database.sessions() as db:
            command = {
                "staff": _staff_command,
                "unit": _unit_command,
                "report": _report_command,
                "faq": _faq_command,
            }[args.group]
            message = command(args, db, ctx)
            db.commit()
            return message
    except HTTPException as error:
        raise CommandError(str(error.detail)) from error
    finally:
        database.engine.dispose()


def load_settings() -> Settings:
    """The settings from the environment, or one sentence naming what is missing."""
    try:
        return get_settings()
    except ValidationError as error:
        names = sorted({str(e["loc"][0]).upper() for e in error.errors() if e["loc"]})
        raise CommandError(
            f"Missing or invalid setting{'s' if len(names) > 1 else ''}: {', '.join(names)}; "
            'set them in the environment, or run `make admin ARGS="..."`, which reads '
            "`make run`'s settings from var/secrets.env."
        ) from None


def main() -> None:
    argv = sys.argv[1:]
    parser().parse_args(argv)  # --help and usage errors need no settings
    try:
        print(run(argv, load_settings()))
    except CommandError as error:
        print(f"Error: {error}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
