"""Controlled vocabularies of the curated facts.

Every enum value is the exact spelling used in the YAML sources under ``db/``, in the
database and in exports, so the three never disagree. ``docs/data-format.md`` and
``docs/curation.md`` explain when each value applies.
"""

from __future__ import annotations

from enum import StrEnum


class ActorKind(StrEnum):
    STATE = "state"
    ORGANISATION = "organisation"
    GROUP = "group"


class FactKind(StrEnum):
    RECOGNITION = "recognition"
    RELATIONS_ESTABLISHED = "relations_established"
    RELATIONS_BROKEN = "relations_broken"
    EMBASSY_OPENED = "embassy_opened"
    EMBASSY_CLOSED = "embassy_closed"
    VISIT = "visit"
    MEETING = "meeting"
    AGREEMENT = "agreement"
    TREATY = "treaty"
    CONFERENCE = "conference"
    AID_PLEDGE = "aid_pledge"
    AID_DELIVERED = "aid_delivered"
    MILITARY_AID = "military_aid"
    MILITARY_COOPERATION = "military_cooperation"
    TRADE = "trade"
    CONFLICT = "conflict"
    SANCTIONS = "sanctions"
    STATEMENT = "statement"
    WITHDRAWAL = "withdrawal"
    OTHER = "other"


class AfghanSide(StrEnum):
    """Which Afghan track a fact belongs to.

    ``government``: the Afghan state's non-Taliban governments (the Kingdom, Daoud's
    Republic, the DRA, the mujahideen Islamic State, the Islamic Republic).
    ``taliban``: the Taliban, as insurgency or as the government of its emirates
    (1996-2001 and since 2021). ``both``: both tracks took part. ``none``: no Afghan
    side was present (a meeting about Afghanistan, a relation between third parties).
    """

    GOVERNMENT = "government"
    TALIBAN = "taliban"
    BOTH = "both"
    NONE = "none"


class DatePrecision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"
    SPAN = "span"
    UNKNOWN = "unknown"


class YearBasis(StrEnum):
    """How a fact's year is known: said by the quote, taken from other passages, or inferred."""

    STATED = "stated"
    CONTEXT = "context"
    INFERRED = "inferred"


class AmountKind(StrEnum):
    PLEDGE = "pledge"
    COMMITMENT = "commitment"
    DISBURSEMENT = "disbursement"
    CUMULATIVE_TOTAL = "cumulative_total"


class SourceKind(StrEnum):
    ENCYCLOPEDIA = "encyclopedia"
    WEB_PAGE = "web_page"
    NEWS = "news"
    ANALYSIS = "analysis"
    PAPER = "paper"
    OTHER = "other"


# Tone of a fact from Afghanistan's point of view, one integer scale for every fact.
TONE_MIN = -2
TONE_MAX = 2
TONE_LABELS: dict[int, str] = {
    -2: "hostile",
    -1: "strained",
    0: "neutral",
    1: "cordial",
    2: "close",
}

# Kinds of fact that can carry an aid amount.
AID_KINDS: frozenset[FactKind] = frozenset(
    {FactKind.AID_PLEDGE, FactKind.AID_DELIVERED, FactKind.MILITARY_AID}
)
