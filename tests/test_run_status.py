"""How a run that got to its end is settled: an unreachable site is recorded, not a failure; most sources getting
nothing but failures is ``degraded`` (the signal of docs/deploy.md's automation); our own code raising is
``completed_with_errors``."""

from __future__ import annotations

from flows.summary import IngestSummary, SourceReport


def summary(*reports: SourceReport) -> IngestSummary:
    return IngestSummary(run_id="r", db="d", sources=list(reports))


def ok(name: str) -> SourceReport:
    return SourceReport(source=name, discovered=3, fetched=2, unchanged=1, articles=2)


def down(name: str) -> SourceReport:
    return SourceReport(source=name, failed=1, errors=["network: connection refused"])


def test_most_sources_with_nothing_but_failures_is_degraded() -> None:
    assert summary(down("a"), down("b"), ok("c")).settle() == "degraded"
    assert summary(down("a")).settle() == "degraded"
    settled = summary(down("a"), down("b"), ok("c"))
    settled.settle()
    assert settled.failed_sources == ["a", "b"] and settled.status == "degraded"


def test_half_or_fewer_failing_sources_complete() -> None:
    assert summary(down("a"), ok("b")).settle() == "completed"
    partly = SourceReport(source="p", discovered=4, fetched=1, failed=3, articles=1)  # some pages came through
    unchanged = SourceReport(source="u", unchanged=1)  # a 304 is not a failure
    assert summary(partly, unchanged, down("c")).settle() == "completed"


def test_our_own_errors_outrank_degraded() -> None:
    crashed = ok("c")
    crashed.crashed = True
    assert summary(down("a"), down("b"), crashed).settle() == "completed_with_errors"
