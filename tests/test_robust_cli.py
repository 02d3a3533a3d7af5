"""``afgui-db`` on bad input: one clear line on stderr and a non-zero exit, no traceback.

Usage errors exit 2, failed work exits 1. Cases: unknown commands and options, bad
values, unknown partner codes, years out of range, database URLs that cannot be used,
paths that cannot be read or written, a reader that goes away, an output that cannot
encode the text.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from afgui.cli import EXIT_FAILED, EXIT_USAGE, main
from afgui.data.engine import sqlite_url

# The offscreen platform's own notices when a window is shown (the afgui command's tests).
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support (propagateSizeHints|raise)")

FIXTURE_SOURCES = Path(__file__).parent / "fixtures" / "sources"
FIXTURE_SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(args)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else EXIT_FAILED
    out, err = capsys.readouterr()
    return code, out, err


def _one_line(err: str, prefix: str = "afgui-db") -> str:
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith(prefix), err
    assert "Traceback" not in err
    return err.rstrip("\n")


@pytest.fixture
def db_url(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    url = sqlite_url(tmp_path / "fixture.sqlite3")
    assert main(["build", "--db", url, "--sources", str(FIXTURE_SOURCES)]) == 0
    capsys.readouterr()
    return url


# --- the command line itself --------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "afgui-db: error: the following arguments are required: COMMAND"),
        (["--bogus"], "afgui-db: error: the following arguments are required: COMMAND"),
        (["frobnicate"], "afgui-db: error: argument COMMAND: invalid choice: 'frobnicate'"),
        (["stats", "--bogus"], "afgui-db: error: unrecognized arguments: --bogus"),
        (["export", "--format", "xml"], "afgui-db export: error: argument --format"),
        (["explain", "PAK"], "afgui-db explain: error: the following arguments are required"),
        (["explain", "PAK", "nineteen"], "afgui-db explain: error: argument YEAR: invalid int"),
        (["explain", "PAK", "1997", "--side", "martians"], "afgui-db explain: error: argument"),
        (["synth", "--out", "x", "--facts", "-5"], "afgui-db synth: error: argument --facts"),
        (["synth", "--out", "x", "--seed", "1e9"], "afgui-db synth: error: argument --seed"),
    ],
)
def test_usage_errors(args: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(args, capsys)
    assert code == EXIT_USAGE and out == ""
    line = _one_line(err)
    assert line.startswith(expected) and line.endswith("--help)")


# --- explain: partners and years ----------------------------------------------------------


@pytest.mark.parametrize(
    ("partner", "year", "expected"),
    [
        ("XYZ", "1997", "afgui-db: unknown partner code 'XYZ' (see afgui-db stats)"),
        ("", "1997", "afgui-db: unknown partner code '' (see afgui-db stats)"),
        ("../../etc/passwd", "1997", "afgui-db: unknown partner code '../../etc/passwd'"),
        # A right-to-left override is shown escaped, so it cannot reorder the message.
        ("\u202eKAP", "1997", "afgui-db: unknown partner code '\\u202eKAP'"),
        ("PAK", "1500", "afgui-db: year 1500 is outside"),
        ("PAK", "99999999999999999999", "afgui-db: year 99999999999999999999 is outside"),
        ("PAK", "-3", "afgui-db: year -3 is outside"),
    ],
)
def test_explain_unknown_partner_and_year_out_of_range(
    db_url: str, partner: str, year: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(
        ["explain", partner, year, "--db", db_url, "--sources", str(FIXTURE_SOURCES)], capsys
    )
    assert code == EXIT_FAILED and out == ""
    assert _one_line(err).startswith(expected)


def test_explain_known_partner_works(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(
        ["explain", "pak", "1997", "--db", db_url, "--sources", str(FIXTURE_SOURCES)], capsys
    )
    assert code == 0 and err == ""
    assert out.startswith("Pakistan (PAK), 1997")


# --- databases ----------------------------------------------------------------------------


def test_database_urls_that_cannot_be_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.sqlite3"
    connection = sqlite3.connect(other)
    with connection:
        connection.execute("CREATE TABLE facts (id TEXT PRIMARY KEY)")
        connection.execute("INSERT INTO facts VALUES ('precious')")
    connection.close()
    before = other.read_bytes()
    cases = [
        ("nonsense", "afgui-db: cannot open the database URL (it cannot be parsed)"),
        ("postgresql+nosuchdriver://u:pw@127.0.0.1:1/x", "afgui-db: cannot open postgresql+"),
        (sqlite_url(tmp_path / "missing" / "x.sqlite3"), "afgui-db: cannot open "),
        (sqlite_url(other), f"afgui-db: {other} is not an afgui database"),
    ]
    for url, expected in cases:
        for command in (["build"], ["stats"], ["export"], ["explain", "PAK", "1997"]):
            code, out, err = _run(
                [*command, "--db", url, "--sources", str(FIXTURE_SOURCES)], capsys
            )
            assert code == EXIT_FAILED and out == "", (command, url)
            line = _one_line(err)
            assert line.startswith(expected), (command, url, line)
            assert ":pw@" not in line
    assert other.read_bytes() == before
    assert not (tmp_path / "missing").exists()


def test_database_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AFGUI_DB_URL", "::not a url::")
    code, out, err = _run(["stats"], capsys)
    assert code == EXIT_FAILED and out == ""
    assert _one_line(err) == (
        "afgui-db: cannot open the database URL (it cannot be parsed): "
        "Could not parse SQLAlchemy URL from given URL string"
    )


# --- paths --------------------------------------------------------------------------------


def test_paths_that_cannot_be_read_or_written(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    sources = ["--sources", str(FIXTURE_SOURCES)]
    cases = [
        (
            ["validate", "--sources", str(tmp_path / "nope")],
            "afgui-db: sources directory not found",
        ),
        (["build", "--sources", str(a_file)], f"afgui-db: sources directory not found: {a_file}"),
        (
            ["validate", *sources, "--seeds", str(tmp_path / "nope")],
            "afgui-db: seeds directory not found",
        ),
        (
            ["export", "--db", db_url, *sources, "--out", str(tmp_path / "nope" / "x.json")],
            "afgui-db: cannot write",
        ),
        (["export", "--db", db_url, *sources, "--out", str(tmp_path)], "afgui-db: cannot write"),
    ]
    if Path("/dev/full").exists():
        cases.append(
            (
                ["export", "--db", db_url, *sources, "--format", "csv", "--out", "/dev/full"],
                "afgui-db: cannot write /dev/full: No space left on device",
            )
        )
    for args, expected in cases:
        code, out, err = _run(args, capsys)
        assert code == EXIT_FAILED and out == "", args
        assert _one_line(err).startswith(expected), (args, err)


# --- the output stream --------------------------------------------------------------------


def _afgui_db(args: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("AFGUI_")}
    env.update(kwargs.pop("env", {}))  # type: ignore[arg-type]
    return subprocess.Popen(
        [sys.executable, "-c", "import sys; from afgui.cli import main; sys.exit(main())", *args],
        env=env,
        **kwargs,  # type: ignore[call-overload]
    )


def test_reader_going_away_is_quiet(db_url: str) -> None:
    """``afgui-db export | head -c 0``: no 'Exception ignored … BrokenPipeError' message."""
    process = _afgui_db(
        ["export", "--db", db_url, "--sources", str(FIXTURE_SOURCES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read()
    assert process.wait(timeout=120) == EXIT_FAILED
    assert err == b""


def test_output_that_cannot_encode_the_text(db_url: str) -> None:
    process = _afgui_db(
        ["explain", "PAK", "1997", "--db", db_url, "--sources", str(FIXTURE_SOURCES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"PYTHONIOENCODING": "ascii"},
    )
    _, err = process.communicate(timeout=120)
    assert process.returncode == EXIT_FAILED
    line = _one_line(err.decode())
    assert "in the output's encoding (ascii); use --out FILE or set PYTHONIOENCODING=utf-8" in line


# --- the afgui command --------------------------------------------------------------------


def _afgui(args: list[str], *, driver: str = "") -> subprocess.CompletedProcess[str]:
    """``afgui`` in a child process (offscreen); ``driver`` runs first, in the same process."""
    code = (
        "import sys\n"
        "from PySide6.QtWidgets import QApplication\n"
        "application = QApplication(sys.argv[:1])\n"
        f"{driver}\n"
        "from afgui.app import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("AFGUI_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _afgui_errors(stderr: str) -> str:
    """stderr without the offscreen platform's notices and the expected warning that the
    fixture database was not built from the bundled sources."""
    noise = ("This plugin does not support", "other sources than the bundled")
    return "".join(
        line for line in stderr.splitlines(keepends=True) if not any(n in line for n in noise)
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--bogus"], "afgui: error: unrecognized arguments: --bogus"),
        (["--year", "abc"], "afgui: error: argument --year: invalid int value: 'abc'"),
        (["--side", "kabul"], "afgui: error: argument --side: invalid choice: 'kabul'"),
        (["--size", "10x10"], "afgui: error: argument --size: window size 10x10 is too small"),
    ],
)
def test_afgui_usage_errors(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from afgui.app import parse_args

    with pytest.raises(SystemExit) as exit_:
        parse_args(args)
    assert exit_.value.code == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == "" and _one_line(err, "afgui").startswith(expected)


def test_afgui_bad_databases_and_paths(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    report = tmp_path / "r.json"
    # An afgui database altered by hand: a column dropped, the digest removed.
    altered = tmp_path / "altered.sqlite3"
    assert main(["build", "--db", sqlite_url(altered), "--sources", str(FIXTURE_SOURCES)]) == 0
    capsys.readouterr()
    connection = sqlite3.connect(altered)
    with connection:
        connection.execute("DELETE FROM meta WHERE key = 'content_digest'")
        connection.execute("ALTER TABLE facts DROP COLUMN note")
    connection.close()
    cases = [
        (["--db", "nonsense"], 2, "afgui: cannot open the database URL (it cannot be parsed)"),
        (["--db", sqlite_url(a_file)], 2, f"afgui: {a_file} is not an afgui database"),
        (
            ["--db", sqlite_url(altered), "--country", "PAK"],
            2,
            f"afgui: {altered} is damaged (the table facts lacks the column note)",
        ),
        (["--db", db_url, "--report", str(a_file / "r.json")], 1, f"afgui: cannot write {a_file}"),
        (["--db", db_url, "--screenshot", str(tmp_path / "x.nope")], 1, "afgui: cannot write"),
    ]
    for args, code, expected in cases:
        if "--report" not in args and "--screenshot" not in args:
            args = [*args, "--report", str(report)]
        result = _afgui(args)
        assert result.returncode == code, (args, result.stderr)
        assert result.stdout == ""
        assert _one_line(_afgui_errors(result.stderr), "afgui").startswith(expected), args
    assert not report.exists()


def test_afgui_starts_beside_a_bad_default_database_and_says_where_it_is(tmp_path: Path) -> None:
    from afgui.curation.provision import default_database_path

    bad = default_database_path()  # in this test's own data directory (conftest)
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_bytes(b"\x00 not a database \xff" * 500)
    before = bad.read_bytes()
    # In the child: once the window shows the notice, print it, close it and quit.
    driver = (
        "from PySide6.QtCore import QTimer\n"
        "from PySide6.QtWidgets import QMessageBox\n"
        "def read_the_notice():\n"
        "    for box in QApplication.topLevelWidgets():\n"
        "        if isinstance(box, QMessageBox) and box.isVisible():\n"
        "            modal = box.windowModality().name\n"
        "            print(f'NOTICE {modal} ' + box.text().replace(chr(10), ' | '), flush=True)\n"
        "            box.close()\n"
        "            QApplication.quit()\n"
        "poll = QTimer()\n"
        "poll.timeout.connect(read_the_notice)\n"
        "poll.start(20)\n"
    )
    result = _afgui(["--settings", str(tmp_path / "settings.ini")], driver=driver)
    assert result.returncode == 0, result.stderr
    line = _one_line(_afgui_errors(result.stderr), "afgui")
    assert str(bad) in line and "left untouched" in line
    # Not modal: the window can be used while the notice is shown.
    assert result.stdout == f"NOTICE NonModal {line.removeprefix('afgui: ')}\n"
    assert bad.read_bytes() == before
