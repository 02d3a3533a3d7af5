"""``afgui-db validate``: every problem reported at once, naming file, entry and field."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from afgui.cli import main
from afgui.curation.loader import Problem, load_corpus, read_source_tree
from afgui.curation.quotes import check_quotes

FACTS = "facts/fixture.yaml"


def _copy(fixture_sources: Path, tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    shutil.copytree(fixture_sources, root)
    return root


def _edit(root: Path, name: str, change: Any) -> None:
    path = root / name
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document)
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _fact(document: dict[str, Any], fact_id: str) -> dict[str, Any]:
    return next(fact for fact in document["facts"] if fact["id"] == fact_id)


def _problems(root: Path, seeds: Path | None = None) -> list[Problem]:
    corpus, problems = load_corpus(read_source_tree(root))
    if seeds is not None:
        problems += check_quotes(corpus, seeds)
    return problems


def _assert_one(problems: list[Problem], file: str, entry: str, field: str, message: str) -> None:
    matching = [
        p
        for p in problems
        if (p.file, p.entry, p.field) == (file, entry, field) and message in p.message
    ]
    assert matching, f"no {file}/{entry}/{field} problem containing {message!r} in {problems}"


def test_fixture_is_valid(fixture_sources: Path, fixture_seeds: Path) -> None:
    assert _problems(fixture_sources, fixture_seeds) == []


FACT_CASES = [
    ("unknown actor", lambda f: f.update(partners=["XXX"]), "partners", "unknown actor code 'XXX'"),
    ("malformed date", lambda f: f.update(date="25 May 1997"), "date", "malformed date"),
    ("impossible date", lambda f: f.update(date="1997-02-30"), "date", "impossible date"),
    ("span ends first", lambda f: f.update(date="1999/1997"), "date", "ends before it starts"),
    ("unknown kind", lambda f: f.update(kind="friendship"), "kind", "unknown value 'friendship'"),
    (
        "unknown side",
        lambda f: f.update(afghan_side="kabul"),
        "afghan_side",
        "unknown value 'kabul'",
    ),
    ("empty quote", lambda f: f.update(quote="  "), "quote", "must not be empty"),
    ("tone out of scale", lambda f: f.update(tone=5), "tone", "outside the scale"),
    ("unknown field", lambda f: f.update(colour="red"), "colour", "unknown field"),
    ("basis without note", lambda f: f.update(year_basis="inferred"), "date_note", "say why"),
    (
        "amount without currency",
        lambda f: f.update(amount={"value": 5, "kind": "pledge"}),
        "amount.currency",
        "needs a currency",
    ),
    (
        "amount without kind",
        lambda f: f.update(amount={"value": 5, "currency": "USD"}),
        "amount.kind",
        "needs a kind",
    ),
    (
        "amount of unknown kind",
        lambda f: f.update(amount={"value": 5, "currency": "USD", "kind": "gift"}),
        "amount.kind",
        "unknown value 'gift'",
    ),
]


@pytest.mark.parametrize(
    ("case", "change", "field", "message"), FACT_CASES, ids=[c[0] for c in FACT_CASES]
)
def test_fact_problem(
    fixture_sources: Path, tmp_path: Path, case: str, change: Any, field: str, message: str
) -> None:
    root = _copy(fixture_sources, tmp_path)
    _edit(root, FACTS, lambda d: change(_fact(d, "pak-1997-recognises-taliban")))
    _assert_one(_problems(root), FACTS, "pak-1997-recognises-taliban", field, message)


def test_year_outside_actor_existence(fixture_sources: Path, tmp_path: Path) -> None:
    root = _copy(fixture_sources, tmp_path)
    _edit(root, FACTS, lambda d: _fact(d, "sun-1979-troops").update(date="1995"))
    _assert_one(
        _problems(root),
        FACTS,
        "sun-1979-troops",
        "date",
        "outside the years SUN existed (1922–1991)",
    )


def test_duplicate_id(fixture_sources: Path, tmp_path: Path) -> None:
    root = _copy(fixture_sources, tmp_path)
    _edit(
        root, FACTS, lambda d: _fact(d, "sun-1979-troops").update(id="pak-1997-recognises-taliban")
    )
    _assert_one(_problems(root), FACTS, "pak-1997-recognises-taliban", "id", "duplicate id")


def test_duplicate_id_across_files(fixture_sources: Path, tmp_path: Path) -> None:
    root = _copy(fixture_sources, tmp_path)
    shutil.copy(root / FACTS, root / "facts/zz-copy.yaml")
    _assert_one(
        _problems(root), "facts/zz-copy.yaml", "sun-1979-troops", "id", "also in facts/fixture.yaml"
    )


def test_quote_not_found(fixture_sources: Path, fixture_seeds: Path, tmp_path: Path) -> None:
    root = _copy(fixture_sources, tmp_path)
    _edit(
        root,
        FACTS,
        lambda d: _fact(d, "sun-1979-troops").update(quote="The Soviet Union sent tanks"),
    )
    _assert_one(
        _problems(root, fixture_seeds),
        FACTS,
        "sun-1979-troops",
        "quote",
        "not found verbatim in fixture.txt",
    )


def test_unknown_source_and_actor_links(fixture_sources: Path, tmp_path: Path) -> None:
    root = _copy(fixture_sources, tmp_path)
    _edit(root, FACTS, lambda d: d.update(source="nowhere"))
    _edit(root, "actors.yaml", lambda d: d[3].update(successor="ZZZ"))
    problems = _problems(root)
    _assert_one(problems, FACTS, "", "source", "unknown source 'nowhere'")
    _assert_one(problems, "actors.yaml", "SUN", "successor", "unknown actor code 'ZZZ'")


def test_actor_and_government_problems(fixture_sources: Path, tmp_path: Path) -> None:
    root = _copy(fixture_sources, tmp_path)
    _edit(root, "actors.yaml", lambda d: d[1].update(start=2000, end=1990))
    _edit(root, "actors.yaml", lambda d: d[7].update(map=["UN"]))
    _edit(root, "governments.yaml", lambda d: d[0].update(end="1970-01-01"))
    problems = _problems(root)
    _assert_one(problems, "actors.yaml", "PAK", "end", "ends (1990) before it starts (2000)")
    _assert_one(problems, "actors.yaml", "UN", "map", "has no shape on the map")
    _assert_one(problems, "governments.yaml", "dra", "end", "before it starts")


def test_every_problem_reported_at_once(fixture_sources: Path, tmp_path: Path) -> None:
    root = _copy(fixture_sources, tmp_path)

    def break_everything(document: dict[str, Any]) -> None:
        for fact in document["facts"]:
            fact["kind"] = "nonsense"

    _edit(root, FACTS, break_everything)
    kinds = [p for p in _problems(root) if p.field == "kind"]
    assert len(kinds) == 7


def test_broken_yaml_names_the_line(fixture_sources: Path, tmp_path: Path) -> None:
    root = _copy(fixture_sources, tmp_path)
    (root / FACTS).write_text("source: fixture\nfacts:\n  - id: [unclosed\n", encoding="utf-8")
    problems = _problems(root)
    assert any(p.file == FACTS and "not valid YAML at line" in p.message for p in problems)


def test_cli_validate_fails_and_writes_nothing(
    fixture_sources: Path, fixture_seeds: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _copy(fixture_sources, tmp_path)
    _edit(
        root, FACTS, lambda d: _fact(d, "sun-1979-troops").update(kind="nonsense", quote="absent")
    )
    before = sorted(p.name for p in tmp_path.rglob("*"))
    code = main(["validate", "--sources", str(root), "--seeds", str(fixture_seeds)])
    out = capsys.readouterr()
    assert code == 1
    assert "facts/fixture.yaml: sun-1979-troops: kind: unknown value 'nonsense'" in out.out
    assert "facts/fixture.yaml: sun-1979-troops: quote: not found verbatim" in out.out
    assert "2 problem(s); nothing written" in out.err
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_cli_validate_ok(
    fixture_sources: Path, fixture_seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "--sources", str(fixture_sources), "--seeds", str(fixture_seeds)]) == 0
    assert "ok: 7 facts valid; quotes checked" in capsys.readouterr().out


def test_same_event_as_must_name_a_primary_fact(fixture_sources: Path, tmp_path: Path) -> None:
    root = _copy(fixture_sources, tmp_path)

    def link(document: dict[str, Any]) -> None:
        _fact(document, "jpn-2002-total").update(same_event_as="nowhere")
        _fact(document, "sun-1979-troops").update(same_event_as="sun-1979-troops")
        _fact(document, "rus-2016-taliban-contacts").update(same_event_as="rus-1992-embassy-closed")
        _fact(document, "rus-1992-embassy-closed").update(same_event_as="irn-undated-water")

    _edit(root, FACTS, link)
    problems = _problems(root)
    _assert_one(problems, FACTS, "jpn-2002-total", "same_event_as", "unknown fact id 'nowhere'")
    _assert_one(problems, FACTS, "sun-1979-troops", "same_event_as", "cannot be the same event")
    _assert_one(
        problems, FACTS, "rus-2016-taliban-contacts", "same_event_as", "point to that primary"
    )


def test_same_event_as_round_trips(fixture_sources: Path, tmp_path: Path) -> None:
    root = _copy(fixture_sources, tmp_path)
    _edit(root, FACTS, lambda d: _fact(d, "jpn-2002-total").update(same_event_as="jpn-2002-pledge"))
    corpus, problems = load_corpus(read_source_tree(root))
    assert problems == []
    assert {f.id: f.same_event_as for f in corpus.facts}["jpn-2002-total"] == "jpn-2002-pledge"
