"""Runtime configuration: environment variables prefixed HOATOC_, also read from `.env`."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

CONFIG_DIR = Path(__file__).resolve().parent
DEFAULT_POLICY_FILE = CONFIG_DIR / "escalation.yaml"
DEFAULT_INCIDENT_FORM = CONFIG_DIR / "incident_form.yaml"
ENV_PREFIX = "HOATOC_"


def _duration(value: Any) -> Any:
    """`3d`, `4h`, `90m` (as the policy file writes them); at least a minute."""
    if isinstance(value, timedelta):
        return value
    from config.policy import parse_duration  # the one reader of durations

    amount = parse_duration(value)
    if amount < timedelta(minutes=1):
        raise ValueError(f"'{value}' is too short: at least 1m")
    return amount


class Settings(BaseSettings):
    """Every setting of the bot; see `.env.example` for the documentation of each."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        validate_default=True,
    )

    bot_token: SecretStr | None = None
    api_base_url: str = "https://api.telegram.org"
    proxy_url: str | None = None
    database: Path = Path("data/hoatoc.db")
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    timezone: str = "Asia/Ho_Chi_Minh"
    policy_file: Path = DEFAULT_POLICY_FILE
    # Generic on purpose: the standing agency is, in most provinces since 2025, the police's
    # cyber-security division, but names differ and change; the deployer sets the real ones.
    focal_name: str = "Cơ quan thường trực Đội ứng cứu sự cố"
    team_name: str = "Đội ứng cứu sự cố an toàn thông tin mạng tỉnh"
    focal_hotline: str = ""
    focal_email: str = ""
    invite_ttl_hours: float = Field(default=72.0, gt=0, le=24 * 90)
    conversation_timeout_minutes: float = Field(default=60.0, gt=0, le=24 * 60)
    send_rate: float = Field(default=29.0, gt=0, le=10_000)
    send_in_flight: int = Field(default=10, ge=1, le=1_000)
    per_chat_interval: float = Field(default=1.0, ge=0, le=60)
    log_level: str = "INFO"
    # Incidents (issue 11). The form /report asks; the reporting deadline after detection
    # (the seed directive's 3 days; the national rule is 5); how long a taken incident may go
    # without progress before its assignee is reminded; the legal basis shown in the README.
    incident_form_file: Path = DEFAULT_INCIDENT_FORM
    incident_report_within: Annotated[timedelta, BeforeValidator(_duration)] = timedelta(days=3)
    incident_progress_within: Annotated[timedelta, BeforeValidator(_duration)] = timedelta(
        hours=4)
    # Daily backup (issue 12): a copy made at this local time into the folder, the newest
    # `backup_keep` kept. `hoatoc backup PATH` makes one by hand.
    backup_dir: Path = Path("data/backups")
    backup_keep: int = Field(default=7, ge=1, le=366)
    backup_at: str = "02:30"
    incident_legal_basis: str = ("Luật An ninh mạng 2025; mẫu báo cáo sự cố theo Thông tư "
                                 "20/2017/TT-BTTTT cho đến khi có quy định thay thế")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        """Accept `9001` or `9001,9002` (plain comma-separated, not JSON)."""
        if isinstance(value, int):
            return (value,)
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",")]
            ids: list[int] = []
            for part in parts:
                if not part:
                    continue
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"'{part}' is not a Telegram user id (digits only)")
                ids.append(int(part))
            return tuple(ids)
        return value

    @field_validator("bot_token", mode="before")
    @classmethod
    def _blank_token_is_missing(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            token = value.get_secret_value().strip()
            head, sep, tail = token.partition(":")
            if not (sep and head.isdigit() and len(tail) >= 10):
                raise ValueError(
                    "does not look like a bot token from @BotFather (digits, ':', then letters)"
                )
            return SecretStr(token)
        return value

    @field_validator("policy_file", "incident_form_file", mode="before")
    @classmethod
    def _default_file(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return (DEFAULT_POLICY_FILE if info.field_name == "policy_file"
                    else DEFAULT_INCIDENT_FORM)
        return value

    @field_validator("focal_name", "team_name", mode="before")
    @classmethod
    def _name_or_default(cls, value: Any, info: ValidationInfo) -> Any:
        """A line left empty in `.env` means the generic name, not a blank one in messages."""
        if isinstance(value, str):
            value = value.strip()
            if not value and info.field_name is not None:
                return cls.model_fields[info.field_name].default
        return value

    @field_validator("database", mode="before")
    @classmethod
    def _database_file(cls, value: Any) -> Any:
        """A file: the bot opens a writer and a reader connection, which must see one database."""
        if isinstance(value, str | Path):
            text = str(value).strip()
            if text == ":memory:":
                raise ValueError("an in-memory database cannot be used (each connection would "
                                 "get its own, empty one); give a file path such as data/hoatoc.db")
            if not text:
                raise ValueError("a file path is needed, such as data/hoatoc.db")
            return Path(text)
        return value

    @field_validator("backup_at")
    @classmethod
    def _time_of_day(cls, value: str) -> str:
        """`2:30`, `02:30`, `23:05` (24-hour, local time); kept as HH:MM."""
        hours, sep, minutes = value.strip().partition(":")
        if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2
                and int(hours) < 24 and int(minutes) < 60):
            raise ValueError(f"'{value}' is not a time of day such as 02:30 (24-hour, HH:MM)")
        return f"{int(hours):02d}:{minutes}"

    @field_validator("api_base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value

    @field_validator("proxy_url", mode="before")
    @classmethod
    def _proxy(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
            if not value.startswith(("http://", "https://", "socks5://", "socks5h://")):
                raise ValueError("must start with http://, https://, socks5:// or socks5h://")
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}' (e.g. Asia/Ho_Chi_Minh)") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def backup_time(self) -> time:
        hours, _, minutes = self.backup_at.partition(":")
        return time(int(hours), int(minutes))

    def token(self) -> str:
        """The bot token; raises MissingTokenError when it is not set."""
        if self.bot_token is None:
            raise MissingTokenError
        return self.bot_token.get_secret_value()


class MissingTokenError(RuntimeError):
    """HOATOC_BOT_TOKEN is not set."""


def describe_errors(exc: ValidationError) -> list[str]:
    """Turn pydantic's errors into lines naming the environment variable and the problem."""
    lines = []
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "?"
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{ENV_PREFIX}{field.upper()}: {msg}")
    return lines
