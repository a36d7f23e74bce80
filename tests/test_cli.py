from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from claimtrack.cli import main
from tests.conftest import FIXTURES, SEED_ARTICLE
from tests.test_warehouse import batch
from warehouse.writes import store_batch


def test_sql_reads_the_database(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_batch(db, batch())
    assert main(["sql", "--db", str(db), "SELECT government, count(*) AS n FROM claims GROUP BY 1"]) == 0
    out = capsys.readouterr().out
    assert "BRA" in out and "(1 row)" in out
    assert main(["sql", "--db", str(db), "--format", "json", "SELECT count(*) AS n FROM articles"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"n": 1}]


def test_sql_is_read_only(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store_batch(db, batch())
    assert main(["sql", "--db", str(db), "DELETE FROM articles"]) == 2
    assert "read-only" in capsys.readouterr().err.lower()


def test_sql_without_database_explains(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sql", "--db", str(tmp_path / "none.duckdb"), "select 1"]) == 2
    assert "make run" in capsys.readouterr().err


@pytest.mark.parametrize("output", ["table", "csv", "json"])
def test_sql_into_a_pipe_closed_early_ends_quietly(db: Path, output: str) -> None:
    """``claimtrack sql … | head -1``: the reader goes away after one line. No traceback; the exit status of a
    command killed by SIGPIPE (141), as ``cat big | head`` gives."""
    store_batch(db, batch())
    command = [sys.executable, "-m", "claimtrack.cli", "sql", "--db", str(db), "--format", output]
    with subprocess.Popen(
        [*command, "SELECT range AS n, repeat('x', 50) AS filler FROM range(200000)"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()
        process.stdout.close()  # what head does after its first line
        err = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception ignored" not in err, err
    assert code == 141


def test_database_opens_in_plain_duckdb(db: Path) -> None:
    import duckdb

    store_batch(db, batch())
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select count(*) from claims").fetchone() == (1,)
    finally:
        con.close()


def test_extract_prints_jsonl_with_file_offsets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["extract", str(SEED_ARTICLE), str(FIXTURES / "pages" / "gaza-aid.html")]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    seed = [r for r in records if r["file"] == str(SEED_ARTICLE)]
    raw = SEED_ARTICLE.read_text(encoding="utf-8")
    assert len(seed) == 16
    for r in seed:
        for start, end in r["content_spans"]:
            assert raw[start:end] in r["content"]
        assert set(r) >= {
            "file",
            "speaker",
            "speaker_canonical",
            "government",
            "kind",
            "cue",
            "content",
            "content_spans",
            "speaker_span",
            "via",
            "confidence",
        }
    gaza = [r for r in records if r["file"].endswith("gaza-aid.html")]
    assert any(r["government"] == "EGY" for r in gaza)


def test_extract_takes_a_directory_of_txt_and_html(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "mixed"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(SEED_ARTICLE, folder / "seed.txt")
    shutil.copy(FIXTURES / "pages" / "gaza-aid.html", folder / "nested" / "gaza.html")
    (folder / "notes.md").write_text("Not an article: skipped.", encoding="utf-8")
    assert main(["extract", str(folder)]) == 0
    files = {json.loads(line)["file"] for line in capsys.readouterr().out.splitlines()}
    assert files == {str(folder / "seed.txt"), str(folder / "nested" / "gaza.html")}


def test_extract_takes_relative_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``claimtrack extract site/page.html`` as typed in a shell (a relative path has no file URI of its own), and a
    relative folder of HTML pages."""
    (tmp_path / "site" / "world").mkdir(parents=True)
    shutil.copy(FIXTURES / "pages" / "gaza-aid.html", tmp_path / "site" / "page.html")
    shutil.copy(FIXTURES / "pages" / "gaza-aid.html", tmp_path / "site" / "world" / "copy #2.htm")
    monkeypatch.chdir(tmp_path)
    assert main(["extract", "site/page.html"]) == 0
    assert {json.loads(line)["file"] for line in capsys.readouterr().out.splitlines()} == {"site/page.html"}
    assert main(["extract", "site"]) == 0
    files = {json.loads(line)["file"] for line in capsys.readouterr().out.splitlines()}
    assert files == {"site/page.html", "site/world/copy #2.htm"}


def test_extract_with_nothing_readable_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.md").write_text("Not an article.", encoding="utf-8")
    assert main(["extract", str(tmp_path / "notes")]) == 2
    assert "no .txt, .html or .htm file" in capsys.readouterr().err
    (tmp_path / "empty.html").write_text("<html><body><p>Menu</p></body></html>", encoding="utf-8")
    assert main(["extract", str(tmp_path / "empty.html")]) == 2
    err = capsys.readouterr().err
    assert "skipping" in err and "nothing extracted: the 1 file given was skipped" in err


def test_extract_reads_a_text_file_that_is_not_utf8_and_says_what_it_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Saved .txt files are read as the ingest reads them (UTF-8 unless declared, bad bytes replaced and reported):
    one stray Latin-1 byte no longer costs the whole file."""
    # evals/gold/attribution (Bolivia, 2024-06-26)
    sentence = (
        'The Bolivian head of state said the country was "going through an attempted coup d\'état" led by Zuniga.'
    )
    (tmp_path / "latin1.txt").write_bytes(sentence.encode("latin-1"))
    assert main(["extract", str(tmp_path / "latin1.txt")]) == 0
    captured = capsys.readouterr()
    assert "decode: 1 invalid byte sequence in utf-8 replaced with U+FFFD" in captured.err
    (claim,) = [json.loads(line) for line in captured.out.splitlines()]
    assert claim["content"] == 'the country was "going through an attempted coup d\'\ufffdtat" led by Zuniga'


def test_every_command_has_help() -> None:
    for command in ([], ["ingest"], ["sql"], ["extract"]):
        out = subprocess.run(
            [sys.executable, "-m", "claimtrack.cli", *command, "--help"], capture_output=True, text=True, check=True
        ).stdout
        assert "usage: claimtrack" in out
        if command:
            assert "--db" in out or command == ["extract"]
