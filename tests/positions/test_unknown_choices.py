"""``claimtrack positions`` and ``report`` with a government, topic or method the database has nothing for: an error
(exit 2) that lists what it has, never an empty timeline or report with exit 0."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimtrack.choices import SIMILARITY_METHODS
from claimtrack.cli import main


def exit_code(argv: list[str]) -> int:
    """What the command exits with, whether argparse refused the arguments or the handler answered."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.parametrize(
    ("args", "listed"),
    [
        (["--method", "foo"], ["'lexical'", "'minilm-onnx'"]),
        (["--method", "lexical"], ["claimtrack rebuild --method lexical", "minilm-onnx"]),
        (["--government", "XYZ"], ["XYZ", "CHN (4)"]),
        (["--topic", "ukrane-war"], ["ukrane-war", "ukraine-war (4)"]),
    ],
    ids=["unknown-method", "method-not-computed", "unknown-government", "unknown-topic"],
)
def test_positions_and_report_refuse_what_the_database_has_nothing_for(
    series_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], listed: list[str]
) -> None:
    chosen = {"--government": "CHN", "--topic": "ukraine-war", **dict(zip(args[::2], args[1::2], strict=True))}
    assert exit_code(["positions", "--db", str(series_db), *(part for pair in chosen.items() for part in pair)]) == 2
    err = capsys.readouterr().err
    assert all(text in err for text in listed), err
    out = tmp_path / "report.html"
    assert exit_code(["report", "--db", str(series_db), *args, "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert all(text in err for text in listed), err
    assert not out.exists()


def test_government_and_topic_are_matched_whatever_their_case(
    series_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert (
        main(["report", "--db", str(series_db), "--government", "chn", "--topic", "Ukraine-War", "--out", str(out)])
        == 0
    )
    assert "(1 government/topic sections)" in capsys.readouterr().out
    assert main(["positions", "--db", str(series_db), "--government", "chn", "--topic", "UKRAINE-WAR"]) == 0
    assert "CHN on ukraine-war" in capsys.readouterr().out


def test_the_command_offers_every_similarity_method() -> None:
    from positions.similarity import METHODS

    assert SIMILARITY_METHODS == METHODS
