"""The flows' parameters (``flows.params``), the run lifecycle they share (``flows.common.recorded_run``) and the
``extract`` command's file reading (``flows.files``), without Prefect."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError
from spacy.language import Language

from claimtrack.cli import main
from flows.common import recorded_run
from flows.files import claims_of_files
from flows.params import BackfillParams, IngestParams, RebuildParams
from flows.reprocess import ReprocessSummary
from tests.conftest import FIXTURES, SEED_ARTICLE
from warehouse.reads import run_sql


def test_bad_parameters_fail_before_any_work() -> None:
    with pytest.raises(ValidationError, match="batch_size"):
        BackfillParams(batch_size=0)
    with pytest.raises(ValidationError, match="swap them"):
        BackfillParams(since=date(2024, 2, 1), until=date(2024, 1, 1))
    with pytest.raises(ValidationError, match="processes"):
        IngestParams(processes=0)
    with pytest.raises(ValidationError, match="extra"):  # a misspelt deployment parameter is not ignored
        IngestParams.model_validate({"source": "seeds/sources.toml"})
    with pytest.raises(ValidationError, match="methods"):
        RebuildParams.model_validate({"methods": ["cosine"]})
    # Deployment JSON becomes the same objects the command line builds.
    params = BackfillParams.model_validate({"since": "2024-01-01", "warc": ["a.warc.gz"], "reprocess": True})
    assert params.since == date(2024, 1, 1) and params.warc == (Path("a.warc.gz"),) and not params.crawls_sources
    assert BackfillParams().crawls_sources and BackfillParams(sources=Path("s.toml"), reprocess=True).crawls_sources


def test_the_command_line_reports_bad_parameters_as_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backfill", "--batch-size", "0", "--reprocess"]) == 2
    assert "batch_size: Input should be greater than or equal to 1" in capsys.readouterr().err
    assert main(["backfill", "--since", "2024-02-01", "--until", "2024-01-01"]) == 2
    assert "swap them" in capsys.readouterr().err


def test_recorded_run_writes_the_runs_row_however_the_body_ends(db: Path) -> None:
    with pytest.raises(RuntimeError), recorded_run("reprocess", db, {"force": True}, artifacts=False) as failed:
        failed.summary = ReprocessSummary(version="claims/1", articles=3)
        assert run_sql(db, "select status from runs").rows == [("running",)]
        raise RuntimeError("the body broke")
    with recorded_run("reprocess", db, {"force": False}, artifacts=False) as done:
        done.status = "completed"
    rows = run_sql(
        db,
        "select run_id, status, parameters->>'force', summary->>'articles' from runs order by started_at",
    ).rows
    assert rows == [(failed.run_id, "failed", "true", "3"), (done.run_id, "completed", "false", None)]


def test_claims_of_files_gives_file_offsets_and_reports_skipped_files(
    tmp_path: Path, nlp: Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(SEED_ARTICLE, tmp_path / "seed.txt")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 said nothing.".encode("latin-1"))
    (tmp_path / "menu.html").write_text("<html><body><p>Menu</p></body></html>", encoding="utf-8")
    skipped: list[Path] = []
    noted: list[tuple[Path, str]] = []
    found = dict(
        claims_of_files(
            [tmp_path],
            nlp,
            on_skip=lambda path, _exc: skipped.append(path),
            on_note=lambda path, note: noted.append((path, note)),
        )
    )
    assert skipped == [tmp_path / "menu.html"]  # no article in it
    assert noted == [(tmp_path / "latin1.txt", "decode: 1 invalid byte sequence in utf-8 replaced with U+FFFD")]
    raw = SEED_ARTICLE.read_text(encoding="utf-8")
    claims = found[tmp_path / "seed.txt"]
    assert len(claims) == 16
    assert all(raw[start:end] in claim.content for claim in claims for start, end in claim.content_spans)
    # An HTML file named by a relative path (it has no file URI of its own).
    monkeypatch.chdir(FIXTURES / "pages")
    assert dict(claims_of_files([Path("gaza-aid.html")], nlp))[Path("gaza-aid.html")]
