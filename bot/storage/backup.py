"""Backups of the SQLite database: SQLite's online backup API, checked, written atomically.

Safe while the bot runs: the copy is read in one read transaction (WAL mode lets the bot
write beside it), so it is the database as of one commit. Nothing here is async: the CLI
calls it directly, the bot in a worker thread.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from bot.storage.db import _migrations

# Backups hold names and phone numbers: readable by the bot's user only.
FILE_MODE = 0o600
DIR_MODE = 0o700


class BackupError(Exception):
    """A backup or a restore that could not be made; the message says why, in plain words."""


class BotRunning(BackupError):
    """The bot holds the database's lock: a restore under it would corrupt what it writes."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


def before_restore_path(database: Path) -> Path:
    return database.with_name(database.name + ".before-restore")


def _free_before_restore_path(database: Path) -> Path:
    """`<database>.before-restore`, or `.before-restore.2`, `.3`, … when an earlier restore
    left one: a second restore never overwrites the only copy of what the first replaced."""
    kept = before_restore_path(database)
    n = 1
    while kept.exists() or kept.is_symlink():
        n += 1
        kept = database.with_name(f"{database.name}.before-restore.{n}")
    return kept


def _sidecars(database: Path) -> list[Path]:
    return [database.with_name(database.name + suffix) for suffix in ("-wal", "-shm")]


def integrity_problems(path: Path) -> list[str]:
    """`PRAGMA integrity_check` of a database file; [] when it is sound."""
    if not path.is_file():
        return [f"{path} does not exist"]
    try:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:  # "file is not a database", ...
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def schema_version(path: Path) -> int | None:
    """The highest migration applied to a database file; None if it is not a Hỏa Tốc one."""
    try:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    except sqlite3.DatabaseError:
        return None
    return None if row is None or row[0] is None else int(row[0])


def _copy(source: Path, target: Path) -> None:
    """Online backup of `source` (its WAL included) into a new file `target`."""
    fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            # All pages in one step: one read transaction, so one consistent snapshot; in
            # WAL mode the bot's writes go on meanwhile (a stepwise copy would restart on
            # every write of theirs).
            src.backup(dst)
            # One self-contained file: a copy in WAL mode would want a -wal beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _name(temporary: Path, target: Path) -> None:
    """Give the checked copy its name, never replacing a file of that name."""
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise
    except OSError as exc:  # a file system without hard links: check, then rename
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        if target.exists() or target.is_symlink():
            raise FileExistsError(str(target)) from None
        os.replace(temporary, target)


def backup(database: Path, target: Path) -> Path:
    """Copy the database to `target` (a new file; in a folder: a dated name), check it, and
    only then give it its name. Returns the file written; raises BackupError."""
    if not database.is_file():
        raise BackupError(f"there is no database at {database} (HOATOC_DATABASE)")
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give the name of the backup file to write")
    if target.exists() or target.is_symlink():
        raise BackupError(f"{target} already exists: give a new file name (nothing is "
                          "overwritten)")
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    except OSError as exc:
        raise BackupError(f"cannot create the folder {folder}: {exc.strerror}") from None
    # A temporary name of its own (two backups at once never share one), then a hard link
    # to the final name, which fails if that name appeared meanwhile: nothing is overwritten.
    temporary = folder / f".{target.name}.{secrets.token_hex(4)}.partial"
    try:
        _copy(database, temporary)
        problems = integrity_problems(temporary)
        if problems:
            raise BackupError(f"the copy failed its integrity check: {'; '.join(problems[:5])}")
        with open(temporary, "rb") as fh:
            os.fsync(fh.fileno())
        _name(temporary, target)
        _fsync_dir(folder)
    except FileExistsError:
        raise BackupError(f"{target} already exists: give a new file name (nothing is "
                          "overwritten)") from None
    except OSError as exc:
        raise BackupError(f"cannot write {target}: {exc.strerror or exc}") from None
    except sqlite3.Error as exc:
        raise BackupError(f"cannot copy {database} to {target}: {exc}") from None
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()
    return target


@contextlib.contextmanager
def exclusive(database: Path) -> Iterator[None]:
    """Hold `<database>.lock` exclusively; BotRunning when someone else holds it.

    The running bot holds it for its whole life (the kernel drops it when the process dies,
    even on SIGKILL), and a restore holds it while it replaces the files.
    """
    path = lock_path(database)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EACCES):
                raise BotRunning(f"{path} is locked: the bot (or a restore) is running on "
                                 f"{database}") from None
            raise
        yield
    finally:
        os.close(fd)  # releases the lock


def restore(source: Path, database: Path) -> Path | None:
    """Replace the database with a checked copy of `source`; the bot must not be running.

    The database as it was (its WAL included) is kept first as `<database>.before-restore`
    (`.before-restore.2`, `.3`, … if an earlier restore left one: never overwritten), which
    is returned (None when there was no database). Raises BotRunning or BackupError,
    having changed nothing.
    """
    if not source.is_file():
        raise BackupError(f"{source} does not exist or is not a file")
    if database.exists() and source.resolve() == database.resolve():
        raise BackupError(f"{source} is the database itself (HOATOC_DATABASE)")
    problems = integrity_problems(source)
    if problems:
        raise BackupError(f"{source} is not a sound SQLite database: {'; '.join(problems[:5])}")
    version = schema_version(source)
    if version is None:
        raise BackupError(f"{source} is not a Hỏa Tốc database (it has no schema_migrations)")
    newest = _migrations()[-1][0]
    if version > newest:
        raise BackupError(f"{source} comes from a newer version of the bot (schema {version}, "
                          f"this one knows up to {newest}): restore it with that version")
    folder = database.parent
    incoming = folder / f".{database.name}.restoring"
    with exclusive(database):
        kept = _free_before_restore_path(database)
        try:
            with contextlib.suppress(FileNotFoundError):
                incoming.unlink()
            # Checked before anything is touched: a copy that fails leaves all as it was.
            _copy(source, incoming)
            problems = integrity_problems(incoming)
            if problems:
                raise BackupError(f"the copy of {source} failed its integrity check: "
                                  f"{'; '.join(problems[:5])}")
            previous: Path | None = None
            if database.exists():
                # A copy (the WAL's last commits included), not a rename of the main file.
                staged = folder / f".{kept.name}.partial"
                with contextlib.suppress(FileNotFoundError):
                    staged.unlink()
                _copy(database, staged)
                os.replace(staged, kept)
                previous = kept
            # The old WAL must go before the new file takes the name: SQLite would replay
            # it into the restored database.
            for sidecar in _sidecars(database):
                with contextlib.suppress(FileNotFoundError):
                    sidecar.unlink()
            with open(incoming, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(incoming, database)
            _fsync_dir(folder)
        except OSError as exc:
            raise BackupError(f"cannot restore into {database}: {exc.strerror or exc}") from None
        except sqlite3.Error as exc:
            raise BackupError(f"cannot read {source}: {exc}") from None
        finally:
            with contextlib.suppress(OSError):
                incoming.unlink()
    return previous
