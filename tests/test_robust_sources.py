"""Bad source files: the validator answers any input with its own problems, never a crash.

Hypothesis feeds random YAML structures (whole files, and valid entries with fields replaced
by random values), random bytes and invalid UTF-8; fixed cases cover huge files, deep
nesting, alias bombs, tags that would construct Python objects and files that cannot be
read. Every answer is a list of ``Problem``s, each one short printable line.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from afgui.curation.loader import (
    MAX_FILE_BYTES,
    MAX_NESTING,
    CurationError,
    Problem,
    load_corpus,
    read_source_tree,
)
from afgui.curation.quotes import check_quotes

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = FIXTURES / "sources"
SEEDS = FIXTURES / "seeds"
BASE = read_source_tree(SOURCES)
FILES = ("sources.yaml", "actors.yaml", "governments.yaml", "facts/fixture.yaml")
FACT_FIELDS = (
    *("id", "partners", "kind", "afghan_side", "third_party", "date", "year_basis"),
    *("date_note", "tone", "summary", "quote", "amount", "note", "same_event_as"),
)
OTHER_FIELDS = (
    *("code", "name", "kind", "start", "end", "predecessor", "successor", "map", "names"),
    *("note", "side", "id", "title", "author", "publisher", "published", "seed_file"),
    *("value", "currency", "approximate", "price_basis", "source", "facts"),
)


def _validate(files: Mapping[str, bytes]) -> list[Problem]:
    """What ``afgui-db validate`` does: load, check every entry, check quotes."""
    corpus, problems = load_corpus(files)
    problems = problems + check_quotes(corpus, SEEDS)
    for problem in problems:
        assert isinstance(problem, Problem)
        text = str(problem)
        assert text.isprintable(), text  # one line: no newline, no control character
        assert len(text) < 600, text
    return problems


# --- strategies --------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", " ", "unknown", "1997", "1997-13-40", "1950s", "1992/..", "PAK", "AFG"]),
    st.dates(),
    st.datetimes(),
)
keys = st.one_of(
    st.sampled_from((*FACT_FIELDS, *OTHER_FIELDS)),
    st.text(max_size=12),
    st.integers(),
    st.booleans(),
    st.none(),
    st.dates(),
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=25,
)


def _dump(document: Any) -> bytes:
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8")


def _fixture_document(name: str) -> Any:
    return yaml.safe_load(BASE[name].decode("utf-8"))


@st.composite
def mutated_files(draw: st.DrawFn) -> dict[str, bytes]:
    """The fixture sources with some fields of some entries replaced, added or removed."""
    files = dict(BASE)
    for name in draw(st.lists(st.sampled_from(FILES), min_size=1, max_size=4, unique=True)):
        document = _fixture_document(name)
        entries = document["facts"] if name.startswith("facts/") else document
        for _ in range(draw(st.integers(min_value=1, max_value=4))):
            entry = entries[draw(st.integers(min_value=0, max_value=len(entries) - 1))]
            field = draw(st.sampled_from((*FACT_FIELDS, *OTHER_FIELDS)) | keys)
            if draw(st.booleans()) and field in entry:
                del entry[field]
            else:
                entry[field] = draw(values)
        if name.startswith("facts/") and draw(st.booleans()):
            document["source"] = draw(values)
        files[name] = _dump(document)
    return files


# --- properties --------------------------------------------------------------------------

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@settings(PROPERTY, max_examples=200)
@given(files=mutated_files())
def test_valid_entries_with_random_fields(files: dict[str, bytes]) -> None:
    _validate(files)


@PROPERTY
@given(name=st.sampled_from(FILES), document=values)
def test_random_yaml_structures_as_whole_files(name: str, document: Any) -> None:
    problems = _validate({**BASE, name: _dump(document)})
    if name == "facts/fixture.yaml":
        assert any(problem.file == name for problem in problems) or document is None


@PROPERTY
@given(name=st.sampled_from(FILES), data=st.binary(max_size=2000))
def test_random_bytes(name: str, data: bytes) -> None:
    _validate({**BASE, name: data})


@PROPERTY
@given(
    name=st.sampled_from(FILES),
    position=st.floats(min_value=0, max_value=1, exclude_max=True),
    junk=st.binary(min_size=1, max_size=8),
)
def test_random_bytes_spliced_into_valid_files(name: str, position: float, junk: bytes) -> None:
    original = BASE[name]
    at = int(position * len(original))
    _validate({**BASE, name: original[:at] + junk + original[at:]})


@PROPERTY
@given(text=st.text(max_size=300))
def test_random_text(text: str) -> None:
    _validate({**BASE, "facts/fixture.yaml": text.encode("utf-8", "surrogatepass")})


# --- fixed hostile inputs ----------------------------------------------------------------


def _only_problem(files: Mapping[str, bytes], name: str) -> str:
    problems = [str(problem) for problem in _validate(files) if problem.file == name]
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"source: fixture\nfacts: []\n\xff\xfe", "not valid UTF-8 (byte 26)"),
        (b"\xc3\x28", "not valid UTF-8 (byte 0)"),
        (b"\xed\xa0\x80", "not valid UTF-8 (byte 0)"),  # an encoded surrogate
        ("source: fixture\nfacts: []\n".encode("utf-16"), "not valid UTF-8 (byte 0)"),
    ],
)
def test_invalid_utf8(data: bytes, expected: str) -> None:
    assert _only_problem({**BASE, "facts/x.yaml": data}, "facts/x.yaml").endswith(expected)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 100_000 + "]" * 100_000,
        "{a: " * 50_000 + "1" + "}" * 50_000,
        "- " * 50_000 + "x",
        "".join(f"{'  ' * level}k:\n" for level in range(5_000)) + "  " * 5_000 + "x",
    ],
    ids=["flow lists", "flow mappings", "block lists", "block mappings"],
)
def test_deep_nesting_is_refused_not_a_crash(text: str) -> None:
    """libyaml's C composer used to overflow the C stack here: a segfault, no exception."""
    message = _only_problem({**BASE, "facts/x.yaml": text.encode()}, "facts/x.yaml")
    assert message.endswith(f"nested more than {MAX_NESTING} levels deep")


def test_nesting_within_the_limit_is_read() -> None:
    text = "source: fixture\nfacts: " + "[" * (MAX_NESTING - 1) + "]" * (MAX_NESTING - 1)
    message = _only_problem({**BASE, "facts/x.yaml": text.encode()}, "facts/x.yaml")
    assert "expected a mapping" in message


def test_alias_bomb_is_answered_quickly() -> None:
    """Nine levels of ten aliases each: repr() of the value used to need ~10^10 characters."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    bomb = "\n".join(lines)
    facts = (
        "source: fixture\nfacts:\n  - id: bomb\n    partners: *a9\n    date: *a9\n"
        "    summary: *a9\n    tone: *a9\n"
    )
    files = {
        **BASE,
        "facts/bomb.yaml": f"{bomb}\n{facts}".encode(),
        "actors.yaml": BASE["actors.yaml"] + f"\n- code: BOMB\n  name: {bomb}\n".encode(),
    }
    problems = _validate(files)
    assert any(problem.entry == "bomb" and problem.field == "date" for problem in problems)


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:pathlib.Path {{}}",
        "!<tag:yaml.org,2002:python/object/apply:subprocess.call> [['touch', '{marker}']]",
    ],
)
def test_tags_that_would_construct_python_objects(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "constructed"
    text = f"source: fixture\nfacts:\n  - id: x\n    note: {tag.format(marker=marker)}\n"
    for name in ("facts/x.yaml", "actors.yaml"):
        files = {**BASE, name: text.encode()}
        message = _only_problem(files, name)
        assert "could not determine a constructor for the tag" in message
    assert not marker.exists()


def test_huge_values_and_non_finite_amounts() -> None:
    document = _fixture_document("facts/fixture.yaml")
    pledge = next(fact for fact in document["facts"] if fact["id"] == "jpn-2002-pledge")
    total = next(fact for fact in document["facts"] if fact["id"] == "jpn-2002-total")
    pledge["amount"]["value"] = float("nan")
    total["amount"]["value"] = 10**400
    document["facts"][0]["kind"] = "x" * 3_000_000
    document["facts"][1]["date"] = dt.datetime(2001, 1, 1, 10, 0)
    problems = _validate({**BASE, "facts/fixture.yaml": _dump(document)})
    by_entry = {(problem.entry, problem.field): problem.message for problem in problems}
    finite = "the figure must be a positive, finite number"
    assert by_entry[("jpn-2002-pledge", "amount.value")] == finite
    assert by_entry[("jpn-2002-total", "amount.value")] == finite
    assert by_entry[(document["facts"][0]["id"], "kind")].startswith("unknown value 'xxxx")
    assert "malformed date '2001-01-01T10:00:00'" in by_entry[(document["facts"][1]["id"], "date")]


def test_government_dates_with_a_time_of_day() -> None:
    """Comparing a datetime with a date raised TypeError before."""
    document = _fixture_document("governments.yaml")
    document[0]["start"] = dt.datetime(1978, 4, 28, 9, 30)
    problems = _validate({**BASE, "governments.yaml": _dump(document)})
    assert [str(problem) for problem in problems] == [
        "governments.yaml: dra: start: expected a date without a time of day, "
        "got 1978-04-28T09:30:00"
    ]


def test_seed_file_with_a_nul_byte() -> None:
    """``Path.read_text`` raised ValueError (embedded null byte) in the quote check."""
    document = _fixture_document("sources.yaml")
    document[0]["seed_file"] = "fixture\x00.txt"
    problems = _validate({**BASE, "sources.yaml": _dump(document)})
    assert "sources.yaml: fixture: seed_file: must be a plain file name" in map(
        lambda problem: str(problem)[
            : len("sources.yaml: fixture: seed_file: must be a plain file name")
        ],
        problems,
    )


def test_non_ascii_digits_are_not_a_year() -> None:
    document = _fixture_document("facts/fixture.yaml")
    document["facts"][0]["date"] = "١٩٩٧"
    problems = _validate({**BASE, "facts/fixture.yaml": _dump(document)})
    assert any(
        problem.field == "date" and "malformed date" in problem.message for problem in problems
    )


def test_problem_fields_stay_one_short_line() -> None:
    document = _fixture_document("facts/fixture.yaml")
    document["facts"][0]["line\nbreak\x1b[31m" + "k" * 500] = 1
    document["facts"][1]["id"] = "evil\nid"
    problems = _validate({**BASE, "facts/fixture.yaml": _dump(document)})
    assert any(problem.field.startswith("'line\\nbreak\\x1b[31m") for problem in problems)


# --- files on disk -----------------------------------------------------------------------


def _copy_sources(tmp_path: Path) -> Path:
    root = tmp_path / "sources"
    (root / "facts").mkdir(parents=True)
    for name, data in BASE.items():
        (root / name).write_bytes(data)
    return root


def test_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    root = _copy_sources(tmp_path)
    (root / "facts" / "huge.yaml").write_bytes(b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    files = read_source_tree(root)
    assert len(files["facts/huge.yaml"]) < 100
    assert _only_problem(files, "facts/huge.yaml") == (
        f"facts/huge.yaml: file is larger than {MAX_FILE_BYTES} bytes"
    )


def test_large_file_within_the_limit_is_validated(tmp_path: Path) -> None:
    document = _fixture_document("facts/fixture.yaml")
    document["facts"] = [
        {**fact, "id": f"{fact['id']}-{copy}"} for copy in range(600) for fact in document["facts"]
    ]
    data = _dump(document)
    assert 1_000_000 < len(data) <= MAX_FILE_BYTES
    corpus, problems = load_corpus({**BASE, "facts/fixture.yaml": data})
    assert problems == [] and len(corpus.facts) == 4_200


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_fifo_and_dangling_link_are_named_not_read(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until a writer comes: it must not be opened."""
    root = _copy_sources(tmp_path)
    os.mkfifo(root / "facts" / "pipe.yaml")
    (root / "facts" / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    files = read_source_tree(root)
    assert _only_problem(files, "facts/pipe.yaml") == "facts/pipe.yaml: not a regular file"
    assert _only_problem(files, "facts/gone.yaml") == "facts/gone.yaml: not a regular file"


def _drop_root_override() -> None:
    """In the child before exec: root loses the capability to ignore file permissions."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _validate_unprivileged(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from afgui.cli import main; sys.exit(main())",
            "validate",
            "--sources",
            str(root),
            "--seeds",
            str(SEEDS),
        ],
        capture_output=True,
        text=True,
        preexec_fn=_drop_root_override if os.geteuid() == 0 else None,
        timeout=120,
    )


def test_unreadable_file_and_directory(tmp_path: Path) -> None:
    root = _copy_sources(tmp_path)
    secret = root / "facts" / "secret.yaml"
    secret.write_bytes(BASE["facts/fixture.yaml"])
    secret.chmod(0o000)
    result = _validate_unprivileged(root)
    assert result.returncode == 1
    assert result.stdout == "facts/secret.yaml: cannot read: Permission denied\n"
    assert result.stderr == "1 problem(s); nothing written\n"
    secret.chmod(0o644)
    (root / "facts").chmod(0o000)
    try:
        result = _validate_unprivileged(root)
    finally:
        (root / "facts").chmod(0o755)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        "afgui-db: 1 problem(s) in the curated sources:\n  facts/: cannot list: Permission denied\n"
    )


def test_unlistable_directory_in_process(tmp_path: Path) -> None:
    with pytest.raises(CurationError) as caught:
        read_source_tree(tmp_path / "missing")
    assert [str(problem) for problem in caught.value.problems] == [
        f"{tmp_path / 'missing'}: cannot list: No such file or directory"
    ]
