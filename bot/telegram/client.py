"""Our ExtBot: survives an update it cannot parse instead of re-fetching it forever."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput, TimePeriod
from telegram.error import TelegramError
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


class HoaTocBot(ExtBot[int]):
    async def get_updates(
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: TimePeriod | None = None,  # noqa: ASYNC109 (PTB signature)
        allowed_updates: Sequence[str] | None = None,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
        api_kwargs: dict[str, Any] | None = None,
    ) -> tuple[Update, ...]:
        """Like PTB's, but one malformed update is skipped rather than blocking the batch.

        PTB parses a batch all at once; one bad update fails it, the offset never moves and
        the poller fetches the same batch forever. On such a failure we fetch the batch raw
        (without waiting) and parse each update alone, keeping a bare placeholder for the
        bad ones so the offset still moves past them.
        """
        try:
            return await super().get_updates(
                offset=offset, limit=limit, timeout=timeout, allowed_updates=allowed_updates,
                read_timeout=read_timeout, write_timeout=write_timeout,
                connect_timeout=connect_timeout, pool_timeout=pool_timeout, api_kwargs=api_kwargs,
            )
        except TelegramError:
            raise
        except Exception as exc:  # any parse failure: handled update by update below
            log.debug("batch of updates failed to parse (%r); parsing one by one", exc)
        raw = await self._post("getUpdates", {"offset": offset, "limit": limit, "timeout": 0})
        updates = []
        for item in raw if isinstance(raw, list) else []:
            try:
                update = Update.de_json(item, self)
            except Exception as exc:
                update_id = item.get("update_id") if isinstance(item, dict) else None
                if not isinstance(update_id, int):
                    continue
                log.error("skipped update %s that could not be parsed: %r", update_id, exc)
                update = Update(update_id=update_id)
            self.insert_callback_data(update)
            updates.append(update)
        return tuple(updates)
