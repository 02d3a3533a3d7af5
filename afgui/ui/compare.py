"""Comparing two partners: the detail pane's header with both side by side.

When the state names a partner to compare with the selection (``AppState.compare``),
the detail pane shows this header (status, strength and facts of both partners in two
columns) and, below the selection's facts, the compared partner's; the charts overlay
its strength and aid. Everything from the data is HTML-escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from afgui.domain.model import Actor
from afgui.services.measures import StrengthCell, ViewSide
from afgui.ui import palette, theme
from afgui.ui.partner_list import strength_text


@dataclass(frozen=True, slots=True)
class PartnerAt:
    """One partner as compared at a year: its actor (if known), value and fact count."""

    code: str
    actor: Actor | None
    cell: StrengthCell | None
    facts: int

    def name(self, year: int) -> str:
        return self.actor.name_in(year) if self.actor else self.code


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def _strength(cell: StrengthCell | None, year: int) -> tuple[str, str]:
    value = cell.value if cell else None
    if value is None:
        return (
            f"<span style='color:{theme.FAINT_INK.name()}'>no data</span>",
            f"no data in {year}",
        )
    chip = palette.strength_colour(value).name()
    text = strength_text(value)
    return (
        f"<span style='background-color:{chip}'>&nbsp;&nbsp;&nbsp;</span>&nbsp;<b>{_esc(text)}</b>",
        text,
    )


def _status(cell: StrengthCell | None) -> tuple[str, str]:
    if cell is None or cell.status is None:
        return f"<span style='color:{theme.FAINT_INK.name()}'>unknown</span>", "unknown"
    return _esc(cell.status.value), cell.status.value


def compare_header(
    *,
    first: PartnerAt,
    second: PartnerAt,
    year: int,
    side: ViewSide,
    government_text: str,
) -> tuple[str, str]:
    """The two partners side by side at ``year``: (rich text, plain text)."""
    viewing = theme.SIDE_LABELS[side.value]
    names = (first.name(year), second.name(year))
    muted = theme.MUTED_INK.name()
    key = f"color:{muted}; padding-right:12px; white-space:nowrap"
    marks = (
        f"<span style='color:{theme.SIDE_COLOURS[side.value].name()}'>━</span>",
        f"<span style='color:{theme.COMPARE_COLOUR.name()}'>━·</span>",
    )
    statuses = (_status(first.cell), _status(second.cell))
    strengths = (_strength(first.cell, year), _strength(second.cell, year))
    rows = [
        (
            "",
            f"{marks[0]}&nbsp;<b>{_esc(names[0])}</b>",
            f"{marks[1]}&nbsp;<b>{_esc(names[1])}</b>",
        ),
        ("Status", statuses[0][0], statuses[1][0]),
        ("Strength", strengths[0][0], strengths[1][0]),
        ("Facts", str(first.facts), str(second.facts)),
    ]
    for number, partner in enumerate((first, second)):
        if partner.actor is not None and not partner.actor.exists_in(year):
            note = f"did not exist in {year}"
            cells = ["", ""]
            cells[number] = f"<span style='color:{theme.FAINT_INK.name()}'>{note}</span>"
            rows.append(("Note", cells[0], cells[1]))
    table = "".join(
        f"<tr><td style='{key}'>{label}</td><td style='padding-right:14px'>{a}</td>"
        f"<td>{b}</td></tr>"
        for label, a, b in rows
    )
    rich = (
        f"<div style='font-size:x-large; font-weight:600'>{_esc(names[0])} · "
        f"{_esc(names[1])}</div>"
        f"<div style='color:{muted}'>in {year} · Afghan government: {_esc(government_text)}"
        f"<br>Viewing: {_esc(viewing)}</div>"
        f"<table cellspacing='0' style='margin-top:6px'>{table}</table>"
    )
    plain = "\n".join(
        [
            f"{names[0]} compared with {names[1]}",
            f"in {year} · Afghan government: {government_text}",
            f"Viewing: {viewing}",
            f"Status: {names[0]} {statuses[0][1]}; {names[1]} {statuses[1][1]}",
            f"Strength: {names[0]} {strengths[0][1]}; {names[1]} {strengths[1][1]}",
            f"Facts: {names[0]} {first.facts}; {names[1]} {second.facts}",
        ]
    )
    return rich, plain


def compared_section(name: str, body_html: str) -> str:
    """The compared partner's body (a rendered detail body) under its own heading."""
    start = body_html.find("<body>")
    end = body_html.rfind("</body>")
    inner = body_html[start + len("<body>") : end] if start >= 0 and end > start else ""
    return (
        f"<hr><div style='font-size:x-large; font-weight:600; margin-top:10px'>"
        f"<span style='color:{theme.COMPARE_COLOUR.name()}'>━·</span>&nbsp;Compared: "
        f"{_esc(name)}</div>{inner}"
    )
