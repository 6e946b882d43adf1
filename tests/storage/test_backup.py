"""`hoatoc backup PATH` and `hoatoc restore PATH`: checked copies, atomic, refused while the
bot holds the database, and messages that say what went wrong without a secret in them."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage.backup import exclusive, integrity_problems
from bot.storage.db import Database

TOKEN = "7000000001:AABackupTestTokenSecretXXXXXXXXXX"
PROXY_PASSWORD = "pr0xyS3cret"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Settings with secrets in them (which no message may show); the database's path."""
    database = tmp_path / "data" / "hoatoc.db"
    monkeypatch.setenv("HOATOC_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("HOATOC_PROXY_URL", f"socks5://user:{PROXY_PASSWORD}@127.0.0.1:1080")
    monkeypatch.setenv("HOATOC_DATABASE", str(database))
    return database


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(sql).fetchall()


async def filled(db: Database, n: int) -> None:
    async with db.transaction() as conn:
        await conn.executemany("INSERT INTO audit_log (at, actor_user_id, action) VALUES (?, ?, ?)",
                               [(i, 9001, f"test.{i}") for i in range(n)])


def exists(path: Path | str) -> bool:
    return Path(path).exists()


def wal_size(database: Path) -> int:
    return Path(f"{database}-wal").stat().st_size


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def read(path: Path) -> bytes:
    return path.read_bytes()


def write(path: Path | str, data: bytes) -> None:
    Path(path).write_bytes(data)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    out = capsys.readouterr()
    text = out.out + out.err
    assert TOKEN not in text and TOKEN.split(":")[1] not in text and PROXY_PASSWORD not in text
    assert "Traceback" not in text
    return code, text


async def test_backup_of_an_open_database_holds_its_uncheckpointed_commits(
        env: Path, clock: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database(env, clock)  # type: ignore[arg-type]
    await db.open()
    try:
        await filled(db, 50)  # still in the WAL: the bot has not checkpointed
        assert wal_size(env) > 0
        code, text = run(["backup", str(tmp_path / "out" / "copy.db")], capsys)
    finally:
        await db.close()
    assert code == 0, text
    copy = tmp_path / "out" / "copy.db"
    assert "Backup written:" in text and str(copy) in text and "integrity check ok" in text
    assert integrity_problems(copy) == []
    assert rows(copy, "SELECT count(*) FROM audit_log WHERE action LIKE 'test.%'") == [(50,)]
    assert mode(copy) == 0o600  # names and phone numbers
    assert not exists(f"{copy}-wal")  # one self-contained file
    assert [p.name for p in copy.parent.iterdir()] == ["copy.db"]  # no temporary left

    # A folder: a dated name inside it.
    code, text = run(["backup", str(tmp_path / "out")], capsys)
    assert code == 0, text
    assert len(list((tmp_path / "out").glob("hoatoc-*.db"))) == 1

    # A folder that does not exist yet, written as one (`/mnt/backup/`, as the docs show):
    # created, with a dated name in it, not a file called `backup`.
    code, text = run(["backup", f"{tmp_path / 'new' / 'folder'}/"], capsys)
    assert code == 0, text
    assert (tmp_path / "new" / "folder").is_dir()
    (made,) = (tmp_path / "new" / "folder").glob("hoatoc-*.db")
    assert integrity_problems(made) == [] and mode(made) == 0o600


@pytest.mark.parametrize("case", ["no database", "exists", "unwritable"])
async def test_backup_failures_say_why_and_write_nothing(
        env: Path, clock: object, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        case: str) -> None:
    if case != "no database":
        db = Database(env, clock)  # type: ignore[arg-type]
        await db.open()
        await db.close()
    (tmp_path / "blocked").write_text("a file where a folder should be")
    (tmp_path / "old.db").write_text("keep me")
    target = {"no database": tmp_path / "new.db", "exists": tmp_path / "old.db",
              "unwritable": tmp_path / "blocked" / "copy.db"}[case]
    code, text = run(["backup", str(target)], capsys)
    assert code == 1
    assert text.startswith("Backup failed: ") and "Nothing was written." in text
    assert {"no database": "there is no database at", "exists": "already exists",
            "unwritable": "cannot create the folder"}[case] in text
    assert (tmp_path / "old.db").read_text() == "keep me"
    assert not (tmp_path / "new.db").exists()


async def test_restore_replaces_the_database_and_keeps_the_previous_one(
        env: Path, clock: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = Database(env, clock)  # type: ignore[arg-type]
    await db.open()
    await filled(db, 3)
    assert run(["backup", str(tmp_path / "b.db")], capsys)[0] == 0
    await filled(db, 4)  # after the backup: gone once restored, kept in .before-restore
    # A bot killed with its WAL not checkpointed: the WAL belongs to the old file.
    assert wal_size(env) > 0
    with exclusive(env):  # the bot holds its lock while it runs
        code, text = run(["restore", str(tmp_path / "b.db")], capsys)
    assert code == 1
    assert "Restore refused: the bot is running" in text and "Stop the bot first" in text
    assert "nothing was changed" in text
    assert not exists(f"{env}.before-restore")
    await db.close()  # the bot stopped (its close checkpoints, as a clean stop does)

    write(f"{env}-wal", b"\0" * 4096)  # as a SIGKILL would leave it
    code, text = run(["restore", str(tmp_path / "b.db")], capsys)
    assert code == 0, text
    assert f"Restored {env} from {tmp_path / 'b.db'}" in text
    assert f"kept as {env}.before-restore" in text
    assert not exists(f"{env}-wal")
    assert integrity_problems(env) == []
    assert rows(env, "SELECT count(*) FROM audit_log WHERE action LIKE 'test.%'") == [(3,)]
    kept = Path(f"{env}.before-restore")
    assert rows(kept, "SELECT count(*) FROM audit_log WHERE action LIKE 'test.%'") == [(7,)]
    assert mode(env) == 0o600

    reopened = Database(env, clock)  # type: ignore[arg-type]
    await reopened.open()  # the bot starts on it
    await reopened.close()


async def test_a_second_restore_never_overwrites_the_database_kept_by_the_first(
        env: Path, clock: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The operator restores a backup, finds it was the wrong one and restores another: the
    # database as it was before the first restore (the acknowledgements and reports made
    # after both backups) must still be somewhere, named in the output.
    db = Database(env, clock)  # type: ignore[arg-type]
    await db.open()
    await filled(db, 1)
    assert run(["backup", str(tmp_path / "a.db")], capsys)[0] == 0
    await filled(db, 1)
    assert run(["backup", str(tmp_path / "b.db")], capsys)[0] == 0
    await filled(db, 1)  # only in the live database
    await db.close()
    count = "SELECT count(*) FROM audit_log WHERE action LIKE 'test.%'"

    code, text = run(["restore", str(tmp_path / "a.db")], capsys)
    assert code == 0, text
    first = Path(f"{env}.before-restore")
    assert f"kept as {first}." in text and rows(first, count) == [(3,)]

    code, text = run(["restore", str(tmp_path / "b.db")], capsys)
    assert code == 0, text
    assert rows(env, count) == [(2,)]
    assert rows(first, count) == [(3,)]  # the first restore's copy is untouched
    second = Path(f"{env}.before-restore.2")
    assert f"kept as {second}." in text and rows(second, count) == [(1,)]
    assert mode(second) == 0o600


@pytest.mark.parametrize("case", ["missing", "text", "truncated", "foreign", "itself", "newer"])
async def test_restore_refuses_a_bad_source_and_changes_nothing(
        env: Path, clock: object, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        case: str) -> None:
    db = Database(env, clock)  # type: ignore[arg-type]
    await db.open()
    await filled(db, 2000)
    await db.close()
    source = tmp_path / "source.db"
    if case == "text":
        source.write_text("id,name\n1,UBND\n")
    elif case == "truncated":  # a copy cut short (a full disk, a transfer that stopped)
        data = read(env)
        write(source, data[: len(data) // 2])
    elif case == "foreign":
        with contextlib.closing(sqlite3.connect(source)) as conn:
            conn.execute("CREATE TABLE x (y)")
    elif case == "itself":
        source = env
    elif case == "newer":
        write(source, read(env))
        with contextlib.closing(sqlite3.connect(source)) as conn:
            conn.execute("INSERT INTO schema_migrations VALUES (9999, 'future', 0)")
            conn.commit()
    before = read(env)
    code, text = run(["restore", str(source)], capsys)
    assert code == 1
    assert text.startswith("Restore refused: ") and "Nothing was changed." in text
    assert {"missing": "does not exist", "text": "is not a sound SQLite database",
            "truncated": "is not a sound SQLite database",
            "foreign": "is not a Hỏa Tốc database", "itself": "is the database itself",
            "newer": "comes from a newer version"}[case] in text
    assert read(env) == before
    assert not exists(f"{env}.before-restore")


def test_check_warns_when_the_daily_backup_cannot_be_written(
        env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HOATOC_ADMIN_IDS", "9001")
    (tmp_path / "blocked").write_text("a file where a folder should be")
    monkeypatch.setenv("HOATOC_BACKUP_DIR", str(tmp_path / "blocked" / "backups"))
    code, text = run(["check"], capsys)
    assert code == 0, text  # the bot may run; the admins will be told each day
    assert "! HOATOC_BACKUP_DIR: the daily backup cannot be written" in text
    monkeypatch.setenv("HOATOC_BACKUP_DIR", str(tmp_path / "backups"))
    code, text = run(["check"], capsys)
    assert "HOATOC_BACKUP_DIR:" not in text


async def test_a_second_restore_never_overwrites_the_first_kept_database(
        env: Path, clock: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Restore the wrong backup, then the right one: the database as it was before the first
    restore (the newest data of all) must still be on disk."""
    db = Database(env, clock)  # type: ignore[arg-type]
    await db.open()
    await filled(db, 1)
    assert run(["backup", str(tmp_path / "old.db")], capsys)[0] == 0
    await filled(db, 2)
    assert run(["backup", str(tmp_path / "newer.db")], capsys)[0] == 0
    await filled(db, 4)  # the live data: 7 rows, in no backup
    await db.close()
    code, text = run(["restore", str(tmp_path / "old.db")], capsys)
    assert code == 0, text
    first = Path(f"{env}.before-restore")
    assert rows(first, "SELECT count(*) FROM audit_log WHERE action LIKE 'test.%'") == [(7,)]
    code, text = run(["restore", str(tmp_path / "newer.db")], capsys)
    assert code == 0, text
    assert rows(env, "SELECT count(*) FROM audit_log WHERE action LIKE 'test.%'") == [(3,)]
    assert rows(first, "SELECT count(*) FROM audit_log WHERE action LIKE 'test.%'") == [(7,)]
    kept = [p for p in env.parent.iterdir() if ".before-restore" in p.name]
    assert len(kept) == 2, kept
    second = next(p for p in kept if p != first)
    assert f"kept as {second}" in text
    assert rows(second, "SELECT count(*) FROM audit_log WHERE action LIKE 'test.%'") == [(1,)]


async def test_two_backups_to_one_name_at_once_never_overwrite_each_other(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two `hoatoc backup` runs to the same file at the same moment: one writes it, the other
    is told it exists — neither replaces the other's file, nor shares its temporary one."""
    import threading

    from bot.clock import FakeClock
    from bot.storage import backup as backup_module

    db = Database(tmp_path / "hoatoc.db", FakeClock())
    await db.open()
    await filled(db, 50)
    target = tmp_path / "copies" / "one.db"
    both_copied = threading.Barrier(2)
    original = backup_module._copy

    def copy_then_wait(source: Path, into: Path) -> None:
        original(source, into)
        both_copied.wait(timeout=10)  # both are past the copy before either names its file

    monkeypatch.setattr(backup_module, "_copy", copy_then_wait)
    outcomes: list[str] = []

    def one() -> None:
        try:
            backup_module.backup(db.path, target)
            outcomes.append("written")
        except backup_module.BackupError as exc:
            outcomes.append(str(exc))

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    await db.close()
    assert sorted(outcomes)[1] == "written" and "already exists" in sorted(outcomes)[0], outcomes
    assert integrity_problems(target) == []
    assert [p.name for p in target.parent.iterdir()] == ["one.db"]  # no temporary left
