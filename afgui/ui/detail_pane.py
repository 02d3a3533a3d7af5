"""The detail pane: the selected partner at the year, and the facts behind its strength.

It shows the partner's name and kind, the Afghan government of the year, the status,
the strength with the facts that make it up, aid figures, and a timeline of every fact
naming the partner (those up to the year in full ink, the year's own highlighted, later
ones faded). Fact text is untrusted: every piece of it is HTML-escaped before it enters
the rich-text document.

The per-selection query (one partner's facts) is small and cached per partner, so it
runs on the UI thread.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from afgui.domain.measures import counts_toward
from afgui.domain.model import Actor, Fact, FactDate, Government, Source
from afgui.domain.vocab import DatePrecision, YearBasis
from afgui.services.catalog import Catalog
from afgui.services.measures import AidPoint, Explanation, RelationsService, ViewSide
from afgui.ui import palette, theme
from afgui.ui.partner_list import strength_text
from afgui.ui.state import AppState

#: Contributions listed under "Why"; the rest are summed in one line.
WHY_LIMIT = 12

_STYLE = f"""
body {{ color: {theme.INK.name()}; }}
h1 {{ font-size: 15pt; margin: 0 0 2px 0; }}
h2 {{ font-size: 11pt; margin: 14px 0 4px 0; color: {theme.INK.name()}; }}
.sub {{ color: {theme.MUTED_INK.name()}; }}
.muted {{ color: {theme.MUTED_INK.name()}; }}
.faint {{ color: {theme.FAINT_INK.name()}; }}
.quote {{ color: #3e4c59; font-style: italic; }}
td {{ padding: 2px 6px 2px 0; vertical-align: top; }}
td.key {{ color: {theme.MUTED_INK.name()}; white-space: nowrap; padding-right: 10px; }}
td.num {{ text-align: right; white-space: nowrap; }}
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def date_text(date: FactDate) -> str:
    """The date as written, with how certain it is: ``1997-05-25``, ``2002 (year from context)``."""
    text = date.text
    if text is None:
        return "undated"
    if date.precision is DatePrecision.SPAN:
        text = f"{text} (span)"
    if date.basis is YearBasis.CONTEXT:
        text = f"{text}, year from context"
    elif date.basis is YearBasis.INFERRED:
        text = f"{text}, year inferred"
    return text


def amount_text(amount: float, currency: str, *, approximate: bool = False) -> str:
    """``USD 1 billion``, ``≈ USD 250 million``, ``EUR 12,500``."""
    magnitude = abs(amount)
    if magnitude >= 1e9:
        number = f"{amount / 1e9:,.2f}".rstrip("0").rstrip(".") + " billion"
    elif magnitude >= 1e6:
        number = f"{amount / 1e6:,.1f}".rstrip("0").rstrip(".") + " million"
    else:
        number = f"{amount:,.0f}"
    return f"{'≈ ' if approximate else ''}{currency} {number}"


def government_text(governments: Sequence[Government], year: int) -> str:
    if not governments:
        return "none recorded"
    parts = []
    for government in governments:
        when = []
        if government.start.year == year:
            when.append(f"from {government.start.isoformat()}")
        if government.end is not None and government.end.year == year:
            when.append(f"until {government.end.isoformat()}")
        side = theme.SIDE_LABELS.get(government.side.value, government.side.value)
        suffix = f" ({', '.join(when)})" if when else ""
        parts.append(f"{government.name}{suffix} · {side}")
    return "; ".join(parts)


def fact_is_of_year(fact: Fact, year: int) -> bool:
    start = fact.date.year
    if start is None:
        return False
    end = fact.date.end_year if fact.date.end_year is not None else start
    return start <= year <= end if fact.date.precision is DatePrecision.SPAN else start == year


def render_detail(
    *,
    actor: Actor | None,
    code: str,
    year: int,
    side: ViewSide,
    governments: Sequence[Government],
    explanation: Explanation | None,
    facts: Sequence[Fact],
    aid: Sequence[AidPoint],
    sources: dict[str, Source],
    names: dict[str, str],
) -> str:
    """The pane's HTML. Every value from the data goes through :func:`esc`."""
    out: list[str] = [f"<html><head><style>{_STYLE}</style></head><body>"]
    name = actor.name_in(year) if actor else code
    kind = actor.kind.value if actor else "actor"
    out.append(f"<h1>{esc(name)}</h1>")
    other = f" · formerly {esc(actor.name)}" if actor and name != actor.name else ""
    out.append(f"<div class='sub'>{esc(kind)} · {esc(code)}{other} · in {year}</div>")

    value = explanation.value if explanation else None
    status = explanation.status.value if explanation and explanation.status else None
    chip = palette.strength_colour(value).name()
    rows = [
        ("Afghan government", esc(government_text(governments, year))),
        ("Viewing", esc(theme.SIDE_LABELS[side.value])),
        ("Status", esc(status) if status else "<span class='faint'>unknown</span>"),
        (
            "Strength",
            f"<span style='background-color:{chip}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;"
            + (
                f"<b>{esc(strength_text(value))}</b> <span class='muted'>(scale −10 … +10)</span>"
                if value is not None
                else "<span class='faint'>no data in this year</span>"
            ),
        ),
    ]
    if actor and not actor.exists_in(year):
        rows.append(("Note", f"{esc(name)} did not exist in {year}"))
    out.append("<table cellspacing='0' width='100%'>")
    out.extend(
        f"<tr><td class='key' width='1%'>{key}</td><td>{cell}</td></tr>" for key, cell in rows
    )
    out.append("</table>")

    contributions = explanation.contributions if explanation else ()
    out.append(f"<h2>Why {esc(strength_text(value)) if value is not None else 'no value'}</h2>")
    if contributions:
        out.append(
            "<div class='muted'>Each fact up to the year counts with its weight and tone, "
            "fading with age:</div><table cellspacing='0' width='100%'>"
        )
        ordered = sorted(contributions, key=lambda item: -abs(item.contribution))
        shown, rest = ordered[:WHY_LIMIT], ordered[WHY_LIMIT:]
        for item in shown:
            sign = palette.format_strength(round(item.contribution, 2) + 0.0)
            out.append(
                "<tr>"
                f"<td class='num' width='1%'><b>{esc(sign)}</b></td>"
                f"<td class='muted' width='1%' style='white-space:nowrap'>"
                f"{esc(item.fact.date.text or 'undated')}</td>"
                f"<td>{esc(item.fact.summary)}"
                f"<br><span class='faint'>weight {item.weight:g} × tone {item.tone_factor:+g}"
                f" × decay {item.decay:.2f} (age {item.age})</span></td>"
                "</tr>"
            )
        out.append("</table>")
        if rest:
            total = palette.format_strength(round(sum(i.contribution for i in rest), 2) + 0.0)
            out.append(
                f"<div class='faint'>… and {len(rest)} smaller contribution"
                f"{'s' if len(rest) != 1 else ''} ({esc(total)} together).</div>"
            )
    else:
        out.append(
            f"<div class='faint'>No fact up to {year} on this side contributes a value.</div>"
        )

    if aid:
        out.append("<h2>Aid figures</h2><table cellspacing='0'>")
        for point in sorted(aid, key=lambda item: (item.year, item.fact_id)):
            label = theme.AMOUNT_LABELS.get(point.amount_kind, str(point.amount_kind))
            weight = "" if point.year <= year else " class='faint'"
            out.append(
                f"<tr{weight}><td class='muted'>{point.year}</td>"
                f"<td class='num'>"
                f"{esc(amount_text(point.amount, point.currency, approximate=point.approximate))}"
                "</td>"
                f"<td>{esc(label)}</td></tr>"
            )
        out.append("</table>")

    out.append(f"<h2>Timeline · {len(facts)} fact{'s' if len(facts) != 1 else ''}</h2>")
    if not facts:
        out.append("<div class='faint'>No facts name this partner.</div>")
    for fact in facts:
        out.append(_fact_html(fact, year, counts_toward(fact, side), sources, names, code))
    out.append("</body></html>")
    return "".join(out)


def _fact_html(
    fact: Fact,
    year: int,
    counted: bool,
    sources: dict[str, Source],
    names: dict[str, str],
    partner: str,
) -> str:
    own_year = fact_is_of_year(fact, year)
    later = fact.date.year is None or fact.date.year > year
    ink = theme.FAINT_INK.name() if later or not counted else theme.INK.name()
    background = f" bgcolor='{theme.HIGHLIGHT_ROW.name()}'" if own_year else ""
    side = theme.SIDE_LABELS.get(fact.afghan_side.value, fact.afghan_side.value)
    side_colour = theme.SIDE_COLOURS.get(fact.afghan_side.value, theme.MUTED_INK).name()
    source = sources.get(fact.citation.source_id)
    source_name = source.title if source and source.title else fact.citation.source_id
    with_others = [names.get(other, other) for other in fact.partners if other != partner]
    meta = [fact.kind.value.replace("_", " "), f"tone {palette.format_strength(fact.tone)}"]
    if fact.amount is not None:
        meta.append(
            amount_text(
                fact.amount.value, fact.amount.currency, approximate=fact.amount.approximate
            )
            + f" ({theme.AMOUNT_LABELS.get(fact.amount.kind, fact.amount.kind)})"
        )
    parts = [
        f"<table width='100%' cellspacing='0' cellpadding='4'{background}>"
        f"<tr><td style='color:{ink}'>",
        f"<b>{esc(date_text(fact.date))}</b>&nbsp; "
        f"<span style='color:{side_colour}'>{esc(side)}</span>"
        f"<span class='muted'> · {esc(' · '.join(meta))}</span>",
    ]
    if with_others:
        parts.append(f"<span class='muted'> · with {esc(', '.join(with_others))}</span>")
    parts.append(f"<br>{esc(fact.summary)}")
    parts.append(f"<br><span class='quote'>“{esc(fact.citation.quote)}”</span>")
    parts.append(f"<br><span class='muted'>Source: {esc(source_name)}</span>")
    if fact.date.note:
        parts.append(f"<br><span class='faint'>Date: {esc(fact.date.note)}</span>")
    parts.append("</td></tr></table>")
    return "".join(parts)


def render_empty(year: int, governments: Sequence[Government], side: ViewSide) -> str:
    return (
        f"<html><head><style>{_STYLE}</style></head><body>"
        f"<h1>{year}</h1>"
        f"<div class='sub'>Afghan government: {esc(government_text(governments, year))}</div>"
        f"<div class='sub'>Viewing: {esc(theme.SIDE_LABELS[side.value])}</div>"
        "<p>Select a partner on the map or in the list to see its relation with "
        "Afghanistan in this year and the facts it rests on.</p></body></html>"
    )


class DetailPane(QWidget):
    """The selected partner at the year: status, strength and why, aid and timeline."""

    def __init__(
        self,
        state: AppState,
        catalog: Catalog,
        relations: RelationsService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self._catalog = catalog
        self._relations = relations
        self._facts: dict[str, list[Fact]] = {}
        self._aid: dict[str, tuple[AidPoint, ...]] = {}
        self._names = {actor.code: actor.name for actor in catalog.actors}
        self._shown = ""
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.browser.setAccessibleName("Partner details")
        self.browser.document().setDocumentMargin(12)
        self.browser.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.browser)
        state.year_changed.connect(self.refresh)
        state.side_changed.connect(self.refresh)
        state.selection_changed.connect(self.refresh)
        self.refresh()

    def plain_text(self) -> str:
        return self.browser.toPlainText()

    def facts_of(self, code: str) -> list[Fact]:
        facts = self._facts.get(code)
        if facts is None:
            facts = self._catalog.facts_of(code)
            self._facts[code] = facts
        return facts

    def refresh(self, *_: object) -> None:
        year = self._state.year
        side = self._state.side
        code = self._state.selection
        governments = self._catalog.governments_in(year)
        if not code:
            document = render_empty(year, governments, side)
        else:
            aid = self._aid.get(code)
            if aid is None:
                aid = self._relations.aid(code)
                self._aid[code] = aid
            document = render_detail(
                actor=self._catalog.actors_by_code.get(code),
                code=code,
                year=year,
                side=side,
                governments=governments,
                explanation=self._relations.explain(code, year, side),
                facts=self.facts_of(code),
                aid=aid,
                sources=self._catalog.sources_by_id,
                names=self._names,
            )
        # Keep the reader's place while the year or side changes; a new partner starts on top.
        scroll = self.browser.verticalScrollBar().value() if code == self._shown else 0
        self._shown = code
        self.browser.setHtml(document)
        self.browser.verticalScrollBar().setValue(scroll)
