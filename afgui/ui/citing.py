"""The citation dialog: pick one of the selected partner's facts and copy its citation.

Three forms, as :mod:`afgui.services.citations` writes them: the fact as plain text
(summary, date, Afghan side, source and verbatim quote), and its source as BibTeX or
CSL-JSON for a reference manager. The dialog is usable by keyboard alone: type to find a
fact in the list; Alt+F, Alt+O and Alt+P go to the facts, the form and the preview;
Ctrl+C or Enter copies.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from afgui.domain.model import Fact, Source
from afgui.services.citations import (
    describe_date,
    fact_citation_text,
    source_bibtex,
    source_csl,
)
from afgui.ui.safe_text import plain_tooltip


class CitationForm(StrEnum):
    TEXT = "Plain text (the fact and its quote)"
    BIBTEX = "BibTeX (its source)"
    CSL_JSON = "CSL-JSON (its source)"


def citation(
    form: CitationForm, fact: Fact, source: Source | None, names: Mapping[str, str]
) -> str:
    """The citation of ``fact`` in ``form``; the source forms need a known source."""
    if form is CitationForm.TEXT or source is None:
        return fact_citation_text(fact, source, names)
    if form is CitationForm.BIBTEX:
        return source_bibtex(source)
    return json.dumps([source_csl(source)], ensure_ascii=False, indent=2) + "\n"


def nearest_fact(facts: Sequence[Fact], year: int) -> int:
    """The index of the fact closest to ``year`` (the latest one up to it if any)."""
    best, best_key = 0, (2, 0)
    for index, fact in enumerate(facts):
        start = fact.date.year
        if start is None:
            key = (2, 0)
        elif start <= year:
            key = (0, year - start)
        else:
            key = (1, start - year)
        if key < best_key:
            best, best_key = index, key
    return best


class CitationDialog(QDialog):
    """A partner's facts, a choice of form, a preview and a Copy button."""

    def __init__(
        self,
        partner_name: str,
        facts: Sequence[Fact],
        sources: Mapping[str, Source],
        names: Mapping[str, str],
        year: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Cite a fact · {partner_name}")
        self._facts = tuple(sorted(facts, key=lambda fact: fact.date.sort_key))
        self._sources = sources
        self._names = names

        self.facts = QListWidget(self)
        self.facts.setAccessibleName(f"Facts naming {partner_name}")
        for fact in self._facts:
            item = QListWidgetItem(f"{describe_date(fact.date)} — {fact.summary}")
            item.setToolTip(plain_tooltip(fact.citation.quote))  # a quote is untrusted text
            self.facts.addItem(item)
        self.form = QComboBox(self)
        self.form.setAccessibleName("Citation form")
        for form in CitationForm:
            self.form.addItem(form.value, form)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setAccessibleName("Citation")
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.copy_button = QPushButton("&Copy", self)
        self.copy_button.setAccessibleName("Copy the citation")
        self.copy_button.setDefault(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.status = QLabel(self)
        self.status.setAccessibleName("Copy status")

        fields = QFormLayout()
        facts_label = QLabel("&Facts:", self)
        facts_label.setBuddy(self.facts)
        form_label = QLabel("F&orm:", self)
        form_label.setBuddy(self.form)
        preview_label = QLabel("&Preview:", self)
        preview_label.setBuddy(self.preview)
        fields.addRow(facts_label, self.facts)
        fields.addRow(form_label, self.form)
        fields.addRow(preview_label, self.preview)
        layout = QVBoxLayout(self)
        layout.addLayout(fields, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)

        self.facts.currentRowChanged.connect(self._update)
        self.form.currentIndexChanged.connect(self._update)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Copy, self.facts, self.copy)
        if self._facts:
            self.facts.setCurrentRow(nearest_fact(self._facts, year))
        self.facts.setFocus(Qt.FocusReason.OtherFocusReason)
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * 96, metrics.height() * 32)
        self._update()

    def current_fact(self) -> Fact | None:
        row = self.facts.currentRow()
        return self._facts[row] if 0 <= row < len(self._facts) else None

    def current_form(self) -> CitationForm:
        return CitationForm(self.form.currentData())

    def text(self) -> str:
        fact = self.current_fact()
        if fact is None:
            return ""
        source = self._sources.get(fact.citation.source_id)
        return citation(self.current_form(), fact, source, self._names)

    def copy(self) -> None:
        text = self.text()
        clipboard = QGuiApplication.clipboard()
        if text and clipboard is not None:
            clipboard.setText(text)
            self.status.setText("Copied to the clipboard.")

    def _update(self, *_: object) -> None:
        self.preview.setPlainText(self.text())
        self.copy_button.setEnabled(self.current_fact() is not None)
        self.status.setText("")
