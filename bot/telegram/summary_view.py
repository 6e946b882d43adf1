"""The caption that goes with the /summary workbook: the totals at a glance."""

from __future__ import annotations

from bot.services.summaries import SummaryFile
from bot.texts import Safe, t

DAY = "%d/%m/%Y"


def caption(made: SummaryFile) -> Safe:
    counts = made.counts
    return t("sum_caption", start=f"{made.span.start:{DAY}}", end=f"{made.span.end:{DAY}}",
             total=counts.total.total, handled=counts.total.handled,
             unhandled=counts.total.unhandled,
             false_alarms=(t("sum_caption_false_alarms", count=counts.false_alarms)
                           if counts.false_alarms else Safe("")),
             provisional=t("sum_caption_provisional") if made.provisional else Safe(""))
