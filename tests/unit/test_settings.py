from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from config.settings import DEFAULT_POLICY_FILE, MissingTokenError, Settings, describe_errors

TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefgh"


def test_defaults() -> None:
    s = Settings()
    assert s.bot_token is None
    assert s.api_base_url == "https://api.telegram.org"
    assert s.database == Path("data/hoatoc.db")
    assert s.timezone == "Asia/Ho_Chi_Minh"
    assert s.admin_ids == ()
    assert s.policy_file == DEFAULT_POLICY_FILE
    # Generic names: the focal point is usually the provincial police's PA05 division, but the
    # deployer sets the real names; the bot starts without them.
    assert s.focal_name == "Cơ quan thường trực Đội ứng cứu sự cố"
    assert s.team_name == "Đội ứng cứu sự cố an toàn thông tin mạng tỉnh"
    assert (s.focal_hotline, s.focal_email) == ("", "")
    with pytest.raises(MissingTokenError):
        s.token()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("9001", (9001,)), ("9001,9002", (9001, 9002)), (" 9001 , 9002 ,", (9001, 9002)), ("", ())],
)
def test_admin_ids_plain_comma_separated(
    monkeypatch: pytest.MonkeyPatch, raw: str, expected: tuple[int, ...]
) -> None:
    monkeypatch.setenv("HOATOC_ADMIN_IDS", raw)
    assert Settings().admin_ids == expected


def test_admin_ids_from_dotenv(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"HOATOC_ADMIN_IDS=9001,9002\nHOATOC_BOT_TOKEN={TOKEN}\n")
    s = Settings()
    assert s.admin_ids == (9001, 9002)
    assert s.token() == TOKEN


@pytest.mark.parametrize(
    ("name", "value", "fragment"),
    [
        ("HOATOC_ADMIN_IDS", "9001,abc", "'abc' is not a Telegram user id"),
        ("HOATOC_TIMEZONE", "Mars/Base", "unknown time zone"),
        ("HOATOC_API_BASE_URL", "api.telegram.org", "must start with http"),
        ("HOATOC_PROXY_URL", "ftp://proxy", "socks5"),
        ("HOATOC_BOT_TOKEN", "not-a-token", "@BotFather"),
        ("HOATOC_INVITE_TTL_HOURS", "0", "greater than 0"),
        # The reader connection would open another, empty database: nothing would be seen.
        ("HOATOC_DATABASE", ":memory:", "an in-memory database cannot be used"),
        ("HOATOC_DATABASE", " :memory: ", "an in-memory database cannot be used"),
        ("HOATOC_DATABASE", " ", "a file path is needed"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, fragment: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as info:
        Settings()
    lines = describe_errors(info.value)
    assert len(lines) == 1
    assert lines[0].startswith(f"{name}:")
    assert fragment in lines[0]


def test_token_is_secret_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOATOC_BOT_TOKEN", TOKEN)
    s = Settings()
    assert TOKEN not in repr(s) and TOKEN not in str(s)
    assert s.token() == TOKEN


def test_env_example_is_complete_and_valid(tmp_path: Path) -> None:
    from tests.conftest import ROOT

    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    (tmp_path / ".env").write_text(example.replace("HOATOC_POLICY_FILE", "X"), encoding="utf-8")
    s = Settings()
    assert s.bot_token is None and s.policy_file == DEFAULT_POLICY_FILE
    documented = {line.lstrip("# ").split("=")[0] for line in example.splitlines() if "=" in line}
    assert {f"HOATOC_{name.upper()}" for name in Settings.model_fields} <= documented


def test_team_name_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOATOC_TEAM_NAME", " Đội ứng cứu sự cố an ninh mạng tỉnh An Giang ")
    monkeypatch.setenv("HOATOC_FOCAL_NAME", "Phòng An ninh mạng và phòng, chống tội phạm sử dụng "
                       "công nghệ cao, Công an tỉnh An Giang")
    s = Settings()
    assert s.team_name == "Đội ứng cứu sự cố an ninh mạng tỉnh An Giang"
    assert s.focal_name.startswith("Phòng An ninh mạng") and s.focal_name.endswith("An Giang")


@pytest.mark.parametrize(("name", "field"), [("HOATOC_TEAM_NAME", "team_name"),
                                             ("HOATOC_FOCAL_NAME", "focal_name")])
def test_blank_names_mean_the_default(monkeypatch: pytest.MonkeyPatch, name: str,
                                      field: str) -> None:
    """A `.env` copied with the line left empty still starts the bot, with the generic name."""
    monkeypatch.setenv(name, "  ")
    assert getattr(Settings(), field) == Settings.model_fields[field].default


def test_empty_policy_file_means_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOATOC_POLICY_FILE", "")
    assert Settings().policy_file == DEFAULT_POLICY_FILE


def test_base_url_trailing_slash_removed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOATOC_API_BASE_URL", "http://127.0.0.1:8081/")
    assert Settings().api_base_url == "http://127.0.0.1:8081"


def test_backup_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    s = Settings()
    assert (s.backup_dir, s.backup_keep, s.backup_at) == (Path("data/backups"), 7, "02:30")
    monkeypatch.setenv("HOATOC_BACKUP_AT", "3:05")
    assert Settings().backup_time.isoformat() == "03:05:00"
    for bad, variable in (("25:00", "HOATOC_BACKUP_AT"), ("2h30", "HOATOC_BACKUP_AT"),
                          ("0", "HOATOC_BACKUP_KEEP")):
        monkeypatch.setenv(variable, bad)
        with pytest.raises(ValidationError) as err:
            Settings()
        assert any(line.startswith(variable) for line in describe_errors(err.value)), bad
        monkeypatch.delenv(variable)
