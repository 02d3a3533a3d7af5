"""``afgui-db``: the data command line, a thin layer over curation and services.

Every failure is one clear line on stderr and a non-zero exit (1: the work failed,
2: the command line was wrong); no traceback reaches the user.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, NoReturn

from afgui import __version__
from afgui.curation.loader import CurationError, Problem, load_corpus, read_source_tree
from afgui.curation.provision import (
    DatabaseUnavailableError,
    OpenedDatabase,
    build_explicit,
    bundled_sources_root,
    describe_url,
    open_database,
)
from afgui.curation.quotes import check_quotes, find_seeds_dir
from afgui.data.engine import url_from_environment
from afgui.domain.measures import event_weight
from afgui.domain.model import FactDate
from afgui.domain.vocab import DatePrecision
from afgui.services.catalog import Catalog
from afgui.services.export import dataset_document, write_facts_csv, write_json
from afgui.services.measures import (
    Explanation,
    RelationsService,
    UnknownPartnerError,
    ViewSide,
    YearOutOfRangeError,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A failure to report as one line."""


def _sources_root(args: argparse.Namespace) -> Path | None:
    root: Path | None = args.sources
    if root is not None and not root.is_dir():
        raise CommandError(f"sources directory not found: {root}")
    return root


def _open(args: argparse.Namespace) -> OpenedDatabase:
    url = args.db or url_from_environment()
    return _warned(open_database(url, sources_root=_sources_root(args)))


def _warned(opened: OpenedDatabase) -> OpenedDatabase:
    for warning in opened.warnings:
        print(f"afgui-db: warning: {warning}", file=sys.stderr)
    return opened


def _validate_problems(args: argparse.Namespace) -> tuple[int, list[Problem], str]:
    root = _sources_root(args)
    tree = read_source_tree(root if root is not None else bundled_sources_root())
    corpus, problems = load_corpus(tree)
    seeds = find_seeds_dir(args.seeds)
    if seeds is None or not seeds.is_dir():
        note = "quotes not checked: seeds directory not found (use --seeds DIR)"
        if args.seeds is not None:
            raise CommandError(f"seeds directory not found: {args.seeds}")
    else:
        problems = sorted(problems + check_quotes(corpus, seeds))
        note = f"quotes checked against {seeds}"
    return len(corpus.facts), problems, note


def cmd_validate(args: argparse.Namespace) -> int:
    facts, problems, note = _validate_problems(args)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s); nothing written", file=sys.stderr)
        return EXIT_FAILED
    print(f"ok: {facts} facts valid; {note}")
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    root = _sources_root(args)
    tree = read_source_tree(root if root is not None else bundled_sources_root())
    corpus, problems = load_corpus(tree)
    if problems:
        raise CurationError(problems)
    url = args.db or url_from_environment()
    if url is None:
        opened = _warned(open_database(None, sources_root=root))
        opened.engine.dispose()
        where = describe_url(opened.url)
        state = "rebuilt" if opened.rebuilt else "already current"
        print(f"{where}: {state} ({len(corpus.facts)} facts)")
        return EXIT_OK
    build_explicit(url, corpus)
    print(f"{describe_url(url)}: built ({len(corpus.facts)} facts)")
    return EXIT_OK


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    try:
        with path.open("w", encoding="utf-8", newline="") as stream:
            yield stream
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None


def cmd_export(args: argparse.Namespace) -> int:
    engine = _open(args).engine
    catalog = Catalog(engine)
    with _output(args.out) as stream:
        if args.format == "json":
            write_json(dataset_document(catalog, RelationsService(engine, catalog)), stream)
        else:
            write_facts_csv(catalog.facts(), stream)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    stats = Catalog(_open(args).engine).stats()
    print(f"facts: {stats.facts}")
    for title, rows in (
        ("per actor", stats.per_actor),
        ("per kind", stats.per_kind),
        ("per source", stats.per_source),
        ("per decade", stats.per_decade),
    ):
        print(f"\n{title}:")
        width = max((len(name) for name, _ in rows), default=0)
        for name, count in rows:
            print(f"  {name:<{width}}  {count:>5}")
    return EXIT_OK


def cmd_explain(args: argparse.Namespace) -> int:
    engine = _open(args).engine
    catalog = Catalog(engine)
    code = args.partner.strip().upper()
    actor = catalog.actors_by_code.get(code)
    if actor is None:
        raise CommandError(f"unknown partner code {args.partner!r} (see afgui-db stats)")
    relations = RelationsService(engine, catalog)
    side = ViewSide(args.side)
    try:
        explanation = relations.explain(code, args.year, side)
    except YearOutOfRangeError as error:
        raise CommandError(str(error)) from None
    except UnknownPartnerError:
        raise CommandError(f"{code} is named by no fact") from None
    second_reports: dict[str, list[str]] = {}
    for fact in catalog.facts_of(code):
        if fact.same_event_as is not None:
            second_reports.setdefault(fact.same_event_as, []).append(fact.id)
    for line in explanation_lines(explanation, actor.name_in(args.year), second_reports):
        print(line)
    if explanation.value is None and not actor.exists_in(args.year):
        years = f"{actor.start_year or '…'}–{actor.end_year or '…'}"
        print(f"{actor.name} did not exist in {args.year} ({years}): no value, no status")
    return EXIT_OK


_SIDE_NAMES = {
    ViewSide.GOVERNMENT: "the Kabul government's side",
    ViewSide.TALIBAN: "the Taliban's side",
    ViewSide.BOTH: "all Afghan sides",
}


def _spread(date: FactDate) -> str:
    if date.precision is not DatePrecision.SPAN or date.year == date.end_year:
        return ""
    return f", spread over {date.year}–{date.end_year or 'the last year'}"


def explanation_lines(
    explanation: Explanation, name: str, second_reports: dict[str, list[str]]
) -> Iterator[str]:
    """The explanation as text: each counted fact with its weight, tone, age and decay."""
    status = explanation.status.value if explanation.status is not None else "none"
    head = f"{name} ({explanation.partner}), {explanation.year}, {_SIDE_NAMES[explanation.side]}"
    if explanation.value is None:
        yield f"{head}: no data (no counted fact up to {explanation.year}); status: {status}"
        return
    yield f"{head}: {explanation.value:+.2f} on the scale -10..+10; status: {status}"
    count = len(explanation.contributions)
    yield (
        f"{count} fact(s); raw sum {explanation.raw_total:+.3f}, put on the scale by "
        f"10·tanh(sum/10): each contribution × {explanation.scale_factor:.3f}"
    )
    for number, item in enumerate(explanation.contributions, start=1):
        fact = item.fact
        weight = event_weight(fact.kind, fact.tone)
        yield ""
        yield f"{number:>3}. {fact.date.text}  {fact.kind.value}  {fact.id}"
        yield (
            f"     weight {item.weight:+.1f} ({weight.code} {weight.label}) "
            f"× tone {fact.tone:+d} → {item.tone_factor:.2f} "
            f"× decay {item.decay:.3f} (age {item.age}{_spread(fact.date)}) = {item.raw:+.3f} "
            f"→ contribution {item.contribution:+.3f}"
        )
        yield f"     {fact.summary}"
        yield f"     source: {fact.citation.source_id}"
        yield f'     "{" ".join(fact.citation.quote.split())}"'
        if fact.id in second_reports:
            yield f"     also reported by: {', '.join(sorted(second_reports[fact.id]))}"
    yield ""
    total = sum(item.contribution for item in explanation.contributions)
    yield f"total {total:+.2f} = value {explanation.value:+.2f}"


def cmd_synth(args: argparse.Namespace) -> int:
    # Imported here: numpy and the generator are not needed by the other commands.
    from afgui.curation.synth import SynthError, SynthParameters, write_synthetic_file

    root = _sources_root(args)
    corpus, problems = load_corpus(
        read_source_tree(root if root is not None else bundled_sources_root())
    )
    if problems:
        raise CurationError(problems)
    parameters = SynthParameters(actors=args.actors, facts=args.facts, seed=args.seed)
    try:
        summary = write_synthetic_file(args.out, corpus, parameters)
    except SynthError as error:
        raise CommandError(str(error)) from None
    print(
        f"{args.out}: synthetic ({summary.facts} facts, {summary.actors} actors, "
        f"seed {parameters.seed})"
    )
    return EXIT_OK


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (argparse prints the whole usage first), exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="afgui-db", description="Validate, build, export and inspect afgui's curated data."
    )
    parser.add_argument("--version", action="version", version=f"afgui {__version__}")
    common = _Parser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL (default: AFGUI_DB_URL, then the built-in database)",
    )
    common.add_argument(
        "--sources",
        type=Path,
        metavar="DIR",
        help="curated sources directory (default: the bundled db/)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", parents=[common], help="check the curated sources; report every problem"
    )
    validate.add_argument(
        "--seeds", type=Path, metavar="DIR", help="seed documents directory for quote checks"
    )
    validate.set_defaults(run=cmd_validate)

    build = commands.add_parser(
        "build", parents=[common], help="compile the sources into the database"
    )
    build.set_defaults(run=cmd_build)

    export = commands.add_parser(
        "export", parents=[common], help="write the dataset as JSON or CSV"
    )
    export.add_argument("--format", choices=("json", "csv"), default="json")
    export.add_argument(
        "--out", type=Path, metavar="PATH", help="output file (default: standard output)"
    )
    export.set_defaults(run=cmd_export)

    stats = commands.add_parser(
        "stats", parents=[common], help="counts per actor, kind, source and decade"
    )
    stats.set_defaults(run=cmd_stats)

    explain = commands.add_parser(
        "explain",
        parents=[common],
        help="why a partner's relation strength is what it is in a year, fact by fact",
    )
    explain.add_argument("partner", metavar="PARTNER", help="actor code, e.g. PAK")
    explain.add_argument("year", metavar="YEAR", type=int, help="e.g. 1997")
    explain.add_argument(
        "--side",
        choices=[side.value for side in ViewSide],
        default=ViewSide.BOTH.value,
        help="the Afghan side (default: both, every side pooled)",
    )
    explain.set_defaults(run=cmd_explain)

    synth = commands.add_parser(
        "synth",
        help="write a reproducible synthetic database of the same schema (for benchmarks)",
    )
    synth.add_argument(
        "--sources", type=Path, metavar="DIR", help="curated sources for the real actors"
    )
    synth.add_argument("--actors", type=_count, default=250, help="actors in all (250)")
    synth.add_argument("--facts", type=_count, default=1_000_000, help="facts (1000000)")
    synth.add_argument("--seed", type=int, default=1, help="random seed (1)")
    synth.add_argument(
        "--out", type=Path, required=True, metavar="PATH", help="SQLite file to write"
    )
    synth.set_defaults(run=cmd_synth)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        return run(args)
    except CurationError as error:
        print(f"afgui-db: {error}", file=sys.stderr)
    except (CommandError, DatabaseUnavailableError) as error:
        print(f"afgui-db: {error}", file=sys.stderr)
    except BrokenPipeError:
        # The reader went away (``afgui-db export | head``): stop quietly, and point stdout
        # at /dev/null so the interpreter's final flush does not complain again.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except UnicodeEncodeError as error:
        print(
            f"afgui-db: cannot write {error.object[error.start : error.end]!a} in the output's "
            f"encoding ({error.encoding}); use --out FILE or set PYTHONIOENCODING=utf-8",
            file=sys.stderr,
        )
    except KeyboardInterrupt:
        return 130
    return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
