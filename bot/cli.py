"""`hoatoc run | import FILE | check | backup PATH | restore PATH` (also `python -m bot ...`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import traceback
from pathlib import Path

from pydantic import SecretStr, ValidationError

from bot.clock import SystemClock
from bot.logs import redact, setup_logging
from config.settings import ENV_PREFIX, Settings, describe_errors

EXIT_CONFIG = 2

NO_TOKEN = """\
HOATOC_BOT_TOKEN is not set: the bot needs its own Telegram bot token to start.

How to get one:
  1. In Telegram, open a chat with @BotFather (the official bot for creating bots).
  2. Send /newbot, then a display name (e.g. "Hỏa Tốc An Giang") and a username that
     ends in "bot" (e.g. hoatoc_angiang_bot).
  3. BotFather replies with a token like 123456789:AA...; keep it secret.
  4. Put it in the environment or in a .env file next to the Makefile:
       HOATOC_BOT_TOKEN=123456789:AA...
     then run `make run` again (with Docker: docker run -e HOATOC_BOT_TOKEN=...).
     See .env.example for every setting.
"""


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        print("Configuration error:", file=sys.stderr)
        for line in describe_errors(exc):
            print(f"  {line}", file=sys.stderr)
        raise SystemExit(EXIT_CONFIG) from None


NO_SUPER_ADMIN = (
    "HOATOC_ADMIN_IDS is not set: there is no super-admin, so nobody can create invites. "
    "Send /start to the bot in Telegram: it answers with your Telegram user id; put it in "
    "HOATOC_ADMIN_IDS (e.g. HOATOC_ADMIN_IDS=123456789, in the environment or .env) and "
    "restart the bot."
)


def cmd_run(_: argparse.Namespace) -> int:
    settings = load_settings()
    if settings.bot_token is None:
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_CONFIG
    token = settings.token()
    setup_logging(settings.log_level, [token])
    from bot.storage.backup import BotRunning, exclusive

    try:
        # Held while the bot runs (the kernel drops it even on SIGKILL): `hoatoc restore`
        # refuses under it, and a second bot on the same database (every message twice) too.
        with exclusive(settings.database):
            return _run(settings, token)
    except BotRunning:
        print(f"Another Hỏa Tốc bot (or a restore) is running on {settings.database}: stop it "
              "first. Two bots on one database would send every message twice.",
              file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Cannot lock {settings.database} (HOATOC_DATABASE): {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_CONFIG


def _run(settings: Settings, token: str) -> int:
    # Whatever escapes (PTB puts the token in some messages) is printed redacted.
    sys.excepthook = lambda kind, exc, tb: print(
        redact("".join(traceback.format_exception(kind, exc, tb)), [token]), file=sys.stderr)
    # Imported here: PTB is slow to import and `check` does not need it.
    from telegram.error import InvalidToken, TelegramError

    from bot.app import build_application, reach_bot_api, run
    from config.incident_form import FormError
    from config.policy import PolicyError

    try:
        app = build_application(settings)
    except PolicyError as exc:
        print("The escalation policy is invalid (HOATOC_POLICY_FILE):", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return EXIT_CONFIG
    except FormError as exc:
        print("The incident form is invalid (HOATOC_INCIDENT_FORM_FILE):", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return EXIT_CONFIG
    try:
        # Before anything starts: a wrong address or token is one line, not PTB's traceback.
        asyncio.run(reach_bot_api(settings))
        if not settings.admin_ids:
            logging.getLogger("hoatoc").warning(NO_SUPER_ADMIN)
        run(app)
    except InvalidToken:
        print("Telegram rejected HOATOC_BOT_TOKEN (401 Unauthorized): check it with @BotFather "
              "(/mybots, API Token).", file=sys.stderr)
        return EXIT_CONFIG
    except TelegramError as exc:
        print(unreachable_line(settings, exc, [token]), file=sys.stderr)
        return 1
    return 0


def unreachable_line(settings: Settings, exc: BaseException, secrets: list[str]) -> str:
    """One line: where the bot tried to go, why it failed in plain words, which settings."""
    from bot.app import NotBotApiAnswer

    cause = exc.__cause__ or exc
    detail = redact(str(cause) or type(cause).__name__, secrets)
    name = type(cause).__name__
    if isinstance(exc, NotBotApiAnswer):
        reason = redact(str(exc), secrets)
    elif "Timeout" in name or "TimedOut" in name:
        reason = f"no answer in time ({detail})"
    elif any(s in detail for s in ("Name or service not known", "nodename nor servname",
                                   "getaddrinfo", "Temporary failure in name resolution")):
        reason = f"the host name does not resolve (DNS: {detail})"
    elif "Connect" in name:
        reason = f"connection refused or impossible ({detail})"
    else:
        reason = detail
    via = f" via the proxy {_mask_userinfo(settings.proxy_url)}" if settings.proxy_url else ""
    return (f"Cannot reach the Telegram Bot API at {settings.api_base_url}{via}: {reason}. "
            "Check HOATOC_API_BASE_URL (a self-hosted Bot API server where Telegram is blocked) "
            "and HOATOC_PROXY_URL (an HTTP or SOCKS5 proxy"
            f"{'' if settings.proxy_url else ', none set'}), and this machine's network.")


def cmd_import(args: argparse.Namespace) -> int:
    settings = load_settings()
    setup_logging("WARNING")
    from bot.app import build_importer
    from bot.services.importer import ImportError_
    from bot.storage.db import Database
    from config.policy import PolicyError

    async def go() -> int:
        clock = SystemClock()
        db = Database(settings.database, clock)
        try:  # the policy too: late copies to liaisons the import brings back are sent
            importer = build_importer(settings, db, clock)
        except PolicyError as exc:
            print("The escalation policy is invalid (HOATOC_POLICY_FILE):", file=sys.stderr)
            print(str(exc), file=sys.stderr)
            return EXIT_CONFIG
        await db.open()
        try:
            report = await importer.import_file(Path(args.file))
        except ImportError_ as exc:
            print(f"{args.file}: rejected, nothing was written. {len(exc.errors)} error(s):",
                  file=sys.stderr)
            for line in exc.errors:
                print(f"  {line}", file=sys.stderr)
            return EXIT_CONFIG
        finally:
            await db.close()
        for kind in ("agencies", "groups", "people"):
            print(f"{kind}: {report.created[kind]} created, {report.updated[kind]} updated, "
                  f"{report.unchanged[kind]} unchanged")
        if report.duty_section:  # on a re-import too: the operator sees it was read
            rotation = (f"rotation of {report.rotation_size} responders {report.rotation}"
                        if report.rotation else "no rotation in the file")
            print(f"duty: {rotation}, {report.overrides_added} override(s) added")
        for what in report.reactivated:  # e.g. undoing a /person off made in chat
            print(f"warning: {what} was inactive and is active again (the file says so; "
                  "write active: false in the file to keep it inactive)")
        return 0

    return asyncio.run(go())


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the database (safe while the bot runs) to a new file, checked."""
    settings = load_settings()
    setup_logging("WARNING")
    from bot.storage.backup import DIR_MODE, BackupError, backup

    target = Path(args.path)
    if args.path.endswith(("/", os.sep)) and not target.exists():
        # Written as a folder (`/mnt/backup/`) that does not exist yet: create it, not a
        # file of that name.
        try:
            target.mkdir(parents=True, mode=DIR_MODE)
        except OSError as exc:
            print(f"Backup failed: cannot create the folder {target}: {exc.strerror}. "
                  "Nothing was written.", file=sys.stderr)
            return 1
    if target.is_dir():  # a folder: a dated name in it, never one that exists
        stamp = SystemClock().now().astimezone(settings.tz).strftime("%Y%m%d-%H%M%S")
        target = target / f"{settings.database.stem}-{stamp}.db"
    try:
        written = backup(settings.database, target)
    except BackupError as exc:
        print(f"Backup failed: {exc}. Nothing was written.", file=sys.stderr)
        return 1
    size = written.stat().st_size / 1_000_000
    print(f"Backup written: {written} ({size:.1f} MB, integrity check ok). It holds names and "
          "phone numbers: keep it as safe as the database.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Replace the database with a backup; refused while the bot runs."""
    settings = load_settings()
    setup_logging("WARNING")
    from bot.storage.backup import BackupError, BotRunning, lock_path, restore

    source = Path(args.path)
    try:
        kept = restore(source, settings.database)
    except BotRunning:
        print(f"Restore refused: the bot is running on {settings.database} (it holds "
              f"{lock_path(settings.database)}). Stop the bot first (Ctrl+C, `docker stop`, "
              "`systemctl stop`), then run the restore again; nothing was changed. "
              "A copy can be made while it runs: `hoatoc backup PATH`.", file=sys.stderr)
        return 1
    except BackupError as exc:
        print(f"Restore refused: {exc}. Nothing was changed.", file=sys.stderr)
        return 1
    print(f"Restored {settings.database} from {source} (integrity check ok).")
    if kept is not None:
        print(f"The database as it was is kept as {kept}.")
    print("Start the bot again (`make run` or `hoatoc run`): messages still queued in the "
          "backup are sent then.")
    return 0


def cmd_check(_: argparse.Namespace) -> int:
    """Validate every setting and print a readable report; 2 when anything is wrong."""
    problems: list[str] = []
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = describe_errors(exc)
        print("Configuration: INVALID")
        for line in problems:
            print(f"  ✗ {line}")
        return EXIT_CONFIG
    rows = [(f"{ENV_PREFIX}{name.upper()}", _shown(settings, name)) for name in Settings.model_fields]
    if settings.bot_token is None:
        problems.append("HOATOC_BOT_TOKEN: missing (create a bot with @BotFather)")
    if not settings.admin_ids:
        problems.append("HOATOC_ADMIN_IDS: no super-admin, so nobody can create invites")
    problems += _check_proxy(settings.proxy_url)
    problems += _check_policy(settings.policy_file)
    problems += _check_form(settings.incident_form_file)
    problems += _check_database(settings.database)
    warnings = _warnings(settings)
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")
    counts = [f"{n} {word}{'' if n == 1 else 's'}"
              for n, word in ((len(problems), "error"), (len(warnings), "warning")) if n]
    counted = f" ({', '.join(counts)})" if counts else ""
    print(f"Configuration: {'INVALID' if problems else 'OK'}{counted}")
    for line in problems:
        print(f"  ✗ {line}")
    for line in warnings:
        print(f"  ! {line}")
    return EXIT_CONFIG if problems else 0


UNSET = "(unset)"
_WHY_NOT_ON_THE_BOT = {"not_joined": "has not joined", "blocked": "has blocked the bot",
                       "inactive": "no longer active"}


def _shown(settings: Settings, name: str) -> str:
    """A setting as `check` prints it: its value, "(unset)", secrets and passwords masked."""
    value = getattr(settings, name)
    if isinstance(value, SecretStr):
        return "set (hidden)"
    if name == "proxy_url":
        return _mask_userinfo(value) or UNSET
    if name in {"focal_name", "team_name"}:
        return _name(settings, name)
    if value is None or value == "" or value == ():
        return UNSET
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _warnings(settings: Settings) -> list[str]:
    """What lets the bot start but will hurt people: said, without failing the check."""
    warnings = []
    if not settings.focal_hotline:
        warnings.append("HOATOC_FOCAL_HOTLINE: empty: /duty and the answer to people not yet "
                        "registered give no hotline to call; set the focal point's hotline")
    warnings += _backup_warnings(settings.backup_dir)
    if settings.database.is_file():  # no database yet: no roster to speak of
        warnings += asyncio.run(_roster_warnings(settings.database.resolve().as_uri()))
    return warnings


async def _roster_warnings(uri: str) -> list[str]:
    """People in the duty rotation whom the bot cannot reach (the database opened read-only)."""
    import aiosqlite

    from bot.services.duty import rotation_gaps

    try:
        async with aiosqlite.connect(f"{uri}?mode=ro", uri=True) as conn:
            conn.row_factory = aiosqlite.Row
            size, gaps = await rotation_gaps(conn)
    except aiosqlite.Error as exc:
        return [f"HOATOC_DATABASE: cannot read the duty roster: {exc}"]
    if not gaps:
        return []
    people = ", ".join(f"{p.full_name} ({p.code or 'no code'}): {_WHY_NOT_ON_THE_BOT[why]}"
                       for p, why in gaps)
    return [f"duty rotation: {len(gaps)} of {size} people are not on the bot (during their "
            f"shifts the on-duty alerts go to the team lead and the admins instead): {people}. "
            "Invite them (/invite person CODE) or change the rotation."]


def _name(settings: Settings, field: str) -> str:
    """A name setting; the generic default starts the bot, but people should read the real one."""
    value = str(getattr(settings, field))
    if value == Settings.model_fields[field].default:
        return f"{value} (generic default: set the real name)"
    return value


def _mask_userinfo(url: str | None) -> str | None:
    if not url or "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"


def _check_proxy(url: str | None) -> list[str]:
    """Build the HTTP client the bot would build, so a proxy that cannot work fails here."""
    if not url:
        return []
    from telegram.request import HTTPXRequest

    try:
        HTTPXRequest(proxy=url)
    except Exception as exc:  # report whatever the client refuses
        return [f"HOATOC_PROXY_URL: cannot be used: {exc}"]
    return []


def _check_policy(path: Path) -> list[str]:
    from config.policy import PolicyError, load_policy

    try:
        load_policy(path)
    except PolicyError as exc:
        return [f"HOATOC_POLICY_FILE: {line}" for line in str(exc).splitlines()]
    return []


def _check_form(path: Path) -> list[str]:
    from config.incident_form import FormError, load_form

    try:
        load_form(path)
    except FormError as exc:
        return [f"HOATOC_INCIDENT_FORM_FILE: {line}" for line in str(exc).splitlines()]
    return []


def _backup_warnings(folder: Path) -> list[str]:
    """The daily backup would fail (the bot runs, and tells the super-admins each day)."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK):
        return [f"HOATOC_BACKUP_DIR: the daily backup cannot be written to {folder} ({probe} "
                "is not a writable folder)"]
    return []


def _check_database(path: Path) -> list[str]:
    folder = path.parent if str(path.parent) else Path(".")
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not os.access(probe, os.W_OK):
        return [f"HOATOC_DATABASE: cannot create or write {path} ({probe} is not writable)"]
    if path.exists() and not os.access(path, os.W_OK):
        return [f"HOATOC_DATABASE: {path} is not writable"]
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hoatoc", description="Hỏa Tốc Telegram bot")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="start the bot (long polling)").set_defaults(func=cmd_run)
    p_import = sub.add_parser("import", help="import agencies, groups, people (YAML or CSV)")
    p_import.add_argument("file")
    p_import.set_defaults(func=cmd_import)
    sub.add_parser("check", help="validate the configuration").set_defaults(func=cmd_check)
    p_backup = sub.add_parser("backup", help="copy the database to PATH (safe while the bot "
                              "runs; a folder gets a dated file name)")
    p_backup.add_argument("path")
    p_backup.set_defaults(func=cmd_backup)
    p_restore = sub.add_parser("restore", help="replace the database with the backup PATH "
                               "(the bot must be stopped)")
    p_restore.add_argument("path")
    p_restore.set_defaults(func=cmd_restore)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
