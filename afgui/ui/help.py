"""The Help menu's pages: how the measures are computed, the sources with their
bibliographic data, and the keyboard shortcuts.

The methodology page is generated from the code that computes the measures
(``afgui.domain.measures``), so its numbers cannot drift from what the app shows;
``docs/methodology.md`` is the long version. Every text from the data is escaped.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from afgui.domain.measures import (
    FORMAL_STATUS,
    HALF_LIFE_YEARS,
    SCALE_MAX,
    SCALE_MIN,
    WEIGHTS,
    decay,
)
from afgui.domain.model import Source
from afgui.domain.vocab import TONE_LABELS
from afgui.services.citations import (
    KIND_LABELS,
    source_reference,
    sources_bibtex,
    sources_csl_json,
)
from afgui.ui import theme


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def methodology_html() -> str:
    """The method in a page: scale, weights per kind, tone, decay, status, aid."""
    rows = "".join(
        f"<tr><td>{_esc(kind.value.replace('_', ' '))}</td>"
        f"<td class='num'>{cooperative.value:+.1f}</td><td class='muted'>{_esc(cooperative.code)}"
        f" {_esc(cooperative.label)}</td>"
        f"<td class='num'>{conflictual.value:+.1f}</td><td class='muted'>{_esc(conflictual.code)}"
        f" {_esc(conflictual.label)}</td></tr>"
        for kind, (cooperative, conflictual) in WEIGHTS.items()
    )
    ages = (0, 1, 2, 5, 10, 20)
    decay_row = "".join(f"<td class='num'>{decay(age):.2f}</td>" for age in ages)
    age_row = "".join(f"<td class='num'>{age}</td>" for age in ages)
    tones = ", ".join(f"{tone:+d} {label}" for tone, label in sorted(TONE_LABELS.items()))
    formal = ", ".join(
        f"{kind.value.replace('_', ' ')} → {status.value}" for kind, status in FORMAL_STATUS.items()
    )
    muted = theme.MUTED_INK.name()
    return f"""
<style>
h2 {{ font-size: large; margin-top: 14px; }}
td {{ padding: 2px 8px 2px 0; vertical-align: top; }}
td.num {{ text-align: right; white-space: nowrap; }}
.muted {{ color: {muted}; }}
</style>
<h1 style='font-size: x-large'>How afgui measures relations</h1>
<p>Every value on the map, in the list and in the charts is computed from the curated
facts, each of which rests on a verbatim quote from a source. The detail pane lists the
facts behind a value and what each contributes.</p>

<h2>Relation strength</h2>
<p>A number from {SCALE_MIN:+.0f} (hostile) to {SCALE_MAX:+.0f} (close) per partner, year and
Afghan side. <b>0 is neutral</b>; <b>no data</b> (hatched on the map) means no fact about
the partner and side is known up to that year, which is not the same as neutral.</p>
<p>Each fact up to the year adds <i>weight × tone factor × decay</i>; the sum is put on the
scale with {SCALE_MAX:g} · tanh(sum / {SCALE_MAX:g}), which keeps the order of partners and is
close to the sum itself for small values.</p>

<h2>Weights</h2>
<p>Each kind of fact is read as an event category of the CAMEO codebook and takes its value
on Goldstein's conflict–cooperation scale: the cooperative reading for a neutral or
positive tone, the conflictual one for a negative tone.</p>
<table cellspacing='0'>
<tr><th align='left'>kind</th><th colspan='2' align='left'>cooperative</th>
<th colspan='2' align='left'>conflictual</th></tr>
{rows}
</table>

<h2>Tone</h2>
<p>The curator's tone from Afghanistan's point of view ({_esc(tones)}). A fact counts with
|tone| / 2: in full at ±2, half at ±1, not at all at 0 (but it still counts as data).</p>

<h2>Decay</h2>
<p>A fact keeps 0.5<sup>age / {HALF_LIFE_YEARS:g}</sup> of its weight: a half-life of
{HALF_LIFE_YEARS:g} years, so the value fades towards neutral between events instead of
dropping to it. Facts spanning several years are spread over them.</p>
<table cellspacing='0'><tr><td class='muted'>age (years)</td>{age_row}</tr>
<tr><td class='muted'>share kept</td>{decay_row}</tr></table>

<h2>Afghan sides</h2>
<p><b>Kabul government</b> counts the facts of Afghanistan's non-Taliban governments and
those in which both tracks took part; <b>Taliban</b> the Taliban's, as insurgency or
government, and the shared ones; <b>Both</b> pools every side, each fact once. A fact
reporting the same event as another (from another source) is counted once.</p>

<h2>Diplomatic status</h2>
<p>The latest formal event carried forward ({_esc(formal)}); "relations" once the partner
has dealt with Afghanistan, "hostilities" while a hostile conflict lasts.</p>

<h2>Aid</h2>
<p>Amounts exactly as the sources give them, in their currency and price basis, not
adjusted for inflation. A cumulative total includes earlier packages and is never added
to them; aid without a figure is an event, not zero. Figures are never summed in the
chart either: a year's bar of each kind is its largest figure, and the tooltip lists
them all.</p>
<p class='muted'>The full description, with the reasons for each choice and its limits, is
docs/methodology.md in afgui's source.</p>
"""


def sources_html(sources: Sequence[Source], fact_counts: dict[str, int] | None = None) -> str:
    """Each source with what is known of it; unknown fields are said to be unknown."""
    counts = fact_counts or {}
    unknown = f"<span style='color:{theme.FAINT_INK.name()}'>not given</span>"
    parts = [
        "<h1 style='font-size: x-large'>Sources</h1>"
        "<p>Every fact quotes one of these documents. Only what a document itself says "
        "about its author, publisher and date is recorded.</p>"
    ]
    for source in sources:
        rows = [
            ("Title", _esc(source.title) if source.title else unknown),
            ("Kind", _esc(KIND_LABELS[source.kind])),
            ("Author", _esc(source.author) if source.author else unknown),
            ("Publisher", _esc(source.publisher) if source.publisher else unknown),
            ("Published", _esc(source.published) if source.published else unknown),
            ("Identifier", f"<code>{_esc(source.id)}</code>"),
        ]
        if source.id in counts:
            rows.append(("Facts", str(counts[source.id])))
        if source.note:
            rows.append(("Note", _esc(source.note)))
        table = "".join(
            f"<tr><td style='color:{theme.MUTED_INK.name()}; padding-right:10px'>{key}</td>"
            f"<td>{value}</td></tr>"
            for key, value in rows
        )
        parts.append(
            f"<h2 style='font-size: large'>{_esc(source_reference(source))}</h2>"
            f"<table cellspacing='0'>{table}</table>"
        )
    return "".join(parts)


def shortcuts_html(actions: Iterable[QAction]) -> str:
    """A table of every menu action with a shortcut."""
    rows = []
    for action in actions:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if not keys:
            continue
        name = action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
        rows.append(f"<tr><td><b>{_esc(keys)}</b></td><td>{_esc(name.rstrip('…'))}</td></tr>")
    return (
        "<h1 style='font-size: x-large'>Keyboard shortcuts</h1>"
        "<p>Tab and Shift+Tab move between the map, the list, the detail pane, the charts and "
        "the year controls. On the map: arrow keys pan, + and − zoom, 0 resets. On the year "
        "slider: arrow keys step a year, Page Up and Page Down ten.</p>"
        f"<table cellspacing='0' cellpadding='3'>{''.join(rows)}</table>"
    )


class TextDialog(QDialog):
    """A read-only page of rich text with a Close button (and optional extra buttons)."""

    def __init__(self, title: str, body: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.browser = QTextBrowser(self)
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName(title)
        self.browser.setHtml(body)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.buttons.rejected.connect(self.reject)
        self.extra = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        row = QHBoxLayout()
        row.addLayout(self.extra)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout.addLayout(row)
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * 90, metrics.height() * 34)
        self.browser.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_button(self, text: str, accessible: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAccessibleName(accessible)
        self.extra.addWidget(button)
        return button


def sources_dialog(
    sources: Sequence[Source], fact_counts: dict[str, int] | None, parent: QWidget | None
) -> TextDialog:
    """The sources page with buttons copying every source as BibTeX or CSL-JSON."""
    dialog = TextDialog("Sources", sources_html(sources, fact_counts), parent)
    bibtex = dialog.add_button("Copy all as &BibTeX", "Copy every source as BibTeX")
    csl = dialog.add_button("Copy all as &CSL-JSON", "Copy every source as CSL-JSON")
    bibtex.clicked.connect(lambda: copy_text(sources_bibtex(sources)))
    csl.clicked.connect(lambda: copy_text(sources_csl_json(sources)))
    return dialog


def copy_text(text: str) -> None:
    clipboard = QGuiApplication.clipboard()
    if clipboard is not None:
        clipboard.setText(text)
