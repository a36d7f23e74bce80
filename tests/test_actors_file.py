"""The actors file: its validation (a bad row names its line) and the shipped list (dated offices)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from core.errors import ConfigError
from core.settings import SEEDS_DIR, SeedPaths
from extractors.linking.actors import COLUMNS, Actor, ActorDirectory
from extractors.linking.roles import STATE_TYPES
from extractors.seeds import load_seeds
from tests.conftest import ROOT

HEADER = ",".join(COLUMNS)
GOOD = "wang-yi,person,Wang Yi,,CHN,diplomat,Minister of Foreign Affairs,2023-07-25,,https://www.fmprc.gov.cn/eng/"
G20 = ("ARG", "AUS", "BRA", "CAN", "CHN", "FRA", "DEU", "IND", "IDN", "ITA", "JPN", "KOR", "MEX", "RUS", "SAU", "ZAF",
       "TUR", "GBR", "USA")  # fmt: skip


def read_actors(path: Path) -> ActorDirectory:
    """The actors file at ``path`` as claimtrack reads it (CLAIMTRACK_ACTORS), beside the shipped tables."""
    return load_seeds(SeedPaths(actors=path)).actors


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "actors.csv"
    path.write_text("\n".join(["# a comment line", HEADER, *rows]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "row, message",
    [
        (GOOD.replace("2023-07-25", "25/07/2023"), "bad date '25/07/2023'"),
        (GOOD.replace(",CHN,", ",,"), "a diplomat actor needs a government code"),
        (GOOD.replace(",diplomat,", ",minister,"), "actor_type 'minister' is not one of"),
        (GOOD.replace(",CHN,", ",China,"), "government 'China'"),
        (GOOD.replace(",CHN,", ",CHM,"), "government 'CHM' is not a code of seeds/countries.tsv"),
        (GOOD.replace(",CHN,diplomat,", ",CHN,media,"), "a media actor speaks for no government"),
        (GOOD.replace(",CHN,diplomat,", ",CHN,igo,"), "an igo actor needs one of the body codes"),
        (GOOD.replace("Minister of Foreign Affairs", "Minister, Foreign Affairs"), "expected 10 fields, got 11"),
        (GOOD.replace("wang-yi,", "Wang Yi,"), "actor_id 'Wang Yi'"),
        (GOOD.replace(",person,", ",people,"), "kind 'people'"),
        (GOOD.replace("https://www.fmprc.gov.cn/eng/", ""), "source is empty"),
        (GOOD.replace("2023-07-25,", "2023-07-25,2020-01-01"), "valid_to 2020-01-01 is before valid_from"),
    ],
)
def test_a_bad_row_is_reported_with_its_line_number(tmp_path: Path, row: str, message: str) -> None:
    path = write(tmp_path, GOOD.replace("wang-yi", "other").replace("Wang Yi", "Other Name"), row)
    with pytest.raises(ConfigError, match=rf"actors\.csv:4: .*{message}"):
        read_actors(path)


def test_missing_column_and_duplicate_office(tmp_path: Path) -> None:
    path = tmp_path / "actors.csv"
    path.write_text("actor_id,name\nx,X\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"actors\.csv:1: header lacks column\(s\) kind"):
        read_actors(path)
    with pytest.raises(ConfigError, match=r":4: 'wang-yi' already has a row starting 2023-07-25"):
        read_actors(write(tmp_path, GOOD, GOOD))


def test_shipped_file_loads_and_covers_the_g20_ukraine_and_international_bodies() -> None:
    rows = read_actors(SEEDS_DIR / "actors.csv").actors
    assert len(rows) >= 300

    def has(code: str, test: Callable[[Actor], bool], *, now: bool = False) -> bool:
        return any(a.government == code and test(a) and (a.valid_to is None or not now) for a in rows)

    def foreign_minister(a: Actor) -> bool:
        role = a.role.lower()
        return (
            a.kind == "person"
            and a.actor_type == "diplomat"
            and "spokes" not in role
            and "press" not in role
            and (
                "foreign" in role
                or "external" in role
                or "international relations" in role
                or "secretary of state" in role
            )
        )

    def ministry_voice(a: Actor) -> bool:  # a named spokesperson, or the ministry itself where it names none
        role = a.role.lower()
        return a.actor_type == "diplomat" and ("spokes" in role or "press secretary" in role or a.kind == "body")

    for code in (*G20, "UKR"):
        assert has(code, lambda a: a.actor_type == "head_of_state", now=True), f"{code}: no head in office"
        assert has(code, foreign_minister, now=True), f"{code}: no foreign minister in office"
        assert has(code, ministry_voice), f"{code}: no foreign-ministry spokesperson or ministry row"
    for body in ("XUN", "XEU", "XNT", "XAU"):
        assert has(body, lambda a: a.actor_type == "igo", now=True), body


def test_a_name_maps_to_the_office_held_on_the_date() -> None:
    actors = read_actors(SEEDS_DIR / "actors.csv")
    johnson_2017 = actors.lookup("Boris Johnson", date(2017, 6, 1))
    johnson_2020 = actors.lookup("Boris Johnson", date(2020, 6, 1))
    assert johnson_2017 is not None and johnson_2017.actor_type == "diplomat"
    assert johnson_2020 is not None and johnson_2020.actor_type == "head_of_state"
    assert actors.lookup("Kuleba", date(2023, 8, 8)) is not None
    assert actors.lookup("Kuleba", date(2025, 1, 1)) is None  # left office 2024-09-05
    assert actors.lookup("Blinken", date(2019, 11, 19)) is None
    pompeo = actors.lookup("Mike Pompeo", date(2019, 11, 19))
    assert pompeo is not None and pompeo.government == "USA"
    # Two Wangs were in office in 2021: the surname alone is ambiguous, the full name is not.
    assert actors.lookup("Wang", date(2021, 6, 1)) is None
    assert actors.lookup("Dr Etienne", date(2022, 4, 21)) is not None
    taliban_2019, taliban_2023 = (
        actors.lookup("Taliban", date(2019, 11, 20)),
        actors.lookup("Taliban", date(2023, 1, 1)),
    )
    assert taliban_2019 is not None and taliban_2019.government is None
    assert taliban_2023 is not None and taliban_2023.government == "AFG"


def test_shipped_tables_are_valid_and_clean() -> None:
    seeds = load_seeds(SeedPaths())
    places = seeds.places
    assert places.get("Kremlin") is not None and places.get("Kremlin").code == "RUS"  # type: ignore[union-attr]
    assert places.get("NATO").code == "XNT"  # type: ignore[union-attr]
    for ambiguous in ("Georgia", "Korean", "Miami", "Wuhan", "The Valley"):
        assert places.get(ambiguous) is None, ambiguous
    roles = seeds.roles
    assert roles.get("foreign ministry").actor_type == "diplomat"  # type: ignore[union-attr]
    assert roles.get("spokesman").relational  # type: ignore[union-attr]
    assert {r.actor_type for r in roles.terms.values()} >= STATE_TYPES


def test_bad_table_lines_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "countries.tsv"
    path.write_text("# comment\nChina\tCHN\tname\nKremlin\tRussia\tmetonym\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"countries\.tsv:3: 'Russia' is not a three-letter"):
        load_seeds(SeedPaths(countries=path))
    path = tmp_path / "roles.tsv"
    path.write_text("analyst\tpundit\town\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r":1: actor_type 'pundit'"):
        load_seeds(SeedPaths(roles=path))


def test_the_documented_example_rows_extend_the_shipped_file(tmp_path: Path) -> None:
    manual = (ROOT / "docs" / "attribution.md").read_text(encoding="utf-8")
    section = manual[manual.index("## The actors file") :]
    example = section[section.index("```csv\n") + 7 : section.index("\n```", section.index("```csv"))]
    assert len(example.splitlines()) == 2
    extended = tmp_path / "actors.csv"
    extended.write_text((SEEDS_DIR / "actors.csv").read_text(encoding="utf-8") + example + "\n", encoding="utf-8")
    actors = read_actors(extended)
    minister = actors.lookup("Xavier Bettel", date(2025, 3, 1))
    assert minister is not None and minister.government == "LUX"
    outlet = actors.lookup("The Kyiv Independent", date(2025, 3, 1))
    assert outlet is not None and outlet.actor_type == "media" and outlet.government is None
