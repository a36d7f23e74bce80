"""``claimtrack report``: one self-contained HTML file (inline CSS and SVG, no script, no external asset).

Every piece of page text is untrusted (a hostile page can put markup in a quote or a speaker name), so all of
it goes through :func:`esc`, links are made only from ``http(s)`` URLs, and a Content-Security-Policy that
allows no script and no remote load backs that up if an escape were ever missed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from claimtrack.lanes import LABEL_COLOURS, esc, lanes_svg
from claimtrack.standing import standing
from claimtrack.timeline import _period
from core.settings import DEFAULT_SIMILARITY
from warehouse import reads

#: A chart draws every period between the first and last statement up to this many bars.
MAX_CHART_PERIODS = 240
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
STYLE = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1100px;
color:#1d1d1f;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.5rem;border-top:1px solid #ddd;padding-top:1rem}
.meta{color:#666}.chart{margin:.5rem 0 1rem}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #e5e5e5;padding:.3rem .4rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f6f6f6}.label{font-weight:600;white-space:nowrap}.quote{max-width:30rem}
.new{color:#4e79a7}.reiteration{color:#59a14f}.shift{color:#c76a0c}.reversal{color:#c0392b}
.legend span{margin-right:1rem}.small{font-size:.8rem;color:#666}nav li{margin:.1rem 0}
.asof{background:#f7f9fb;border-left:4px solid #4e79a7;padding:.5rem 1rem;margin:.5rem 0 1rem}
.asof li{margin:.35rem 0}.lanes{margin:.5rem 0 .3rem}.before{color:#666}.after{font-weight:500}
"""


def safe_link(url: str | None, text: str | None = None) -> str:
    """A link for http(s) URLs only; anything else (``javascript:``, ``local:`` files) is shown as text."""
    if not url:
        return ""
    label = esc(text if text is not None else url)
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme in ("http", "https"):
        return f'<a href="{esc(url)}" rel="noopener noreferrer nofollow">{label}</a>'
    # No browser opens a saved file's local:<source>/<path>: show where it is instead, so the row can be traced.
    where = f" ({esc(url)})" if text is not None and text != url else ""
    return f'<span class="small">{label}{where}</span>'


def source_link(report: dict[str, Any]) -> str:
    """One report of a statement in the sources column: its article's title (else outlet, else URL), linked, and
    the outlet."""
    title = report.get("title") or report["outlet"] or report["url"]
    outlet = (
        f' <span class="small">· {esc(report["outlet"])}</span>' if report["outlet"] and report.get("title") else ""
    )
    return safe_link(report["url"], title) + outlet


@dataclass(frozen=True, kw_only=True)
class ReportOptions:
    government: str | None = None
    topic: str | None = None
    since: date | None = None
    grain: str = "month"
    method: str = DEFAULT_SIMILARITY
    #: The day each section opens with ("as of DAY, GOVERNMENT says"); None: the section's last statement.
    as_of: date | None = None
    terms_per_section: int = 20


def _day(value: datetime | date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "?"


def _next_period(day: date, grain: str) -> date:
    if grain == "month":
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return date.fromordinal(day.toordinal() + (7 if grain == "week" else 1))


def with_empty_periods(periods: list[dict[str, Any]], grain: str, limit: int = MAX_CHART_PERIODS) -> list[dict]:
    """The periods between the first and the last, silent ones included (a gap in speech is information)."""
    if not periods:
        return []
    known = {p["period_start"]: p for p in periods}
    filled: list[dict[str, Any]] = []
    day = periods[0]["period_start"]
    while day <= periods[-1]["period_start"]:
        filled.append(known.get(day) or {"period_start": day, "statements": 0, "reports": 0, "outlets": 0})
        if len(filled) > limit:
            return periods  # too long to draw every empty period: draw the active ones only
        day = _next_period(day, grain)
    return filled


def chart_svg(periods: list[dict[str, Any]], changes: list[dict[str, Any]], grain: str) -> str:
    """Bars: statements per period. Markers above them: shifts and reversals in that period (hover for text)."""
    periods = with_empty_periods(periods, grain)
    if not periods:
        return ""
    width, height, left, bottom, top = 760, 220, 40, 40, 30
    n = len(periods)
    step = (width - left - 30) / n
    bar = max(4.0, min(48.0, step * 0.7))
    peak = max(p["statements"] for p in periods) or 1
    plot = height - bottom - top
    by_period: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for c in changes:
        if c["label"] in ("shift", "reversal") and c["stated_at"] is not None:
            by_period[_period(_truncate(c["stated_at"], grain), grain)].append(c)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
        f'aria-label="statements per {esc(grain)}" class="chart">',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 5}" y2="{height - bottom}" stroke="#999"/>',
        f'<text x="4" y="{top + 4}" font-size="11" fill="#666">{peak}</text>',
        f'<text x="4" y="{height - bottom}" font-size="11" fill="#666">0</text>',
    ]
    label_every = max(1, n // 12)
    for i, p in enumerate(periods):
        key = _period(p["period_start"], grain)
        x = left + i * step + (step - bar) / 2
        h = plot * p["statements"] / peak
        if not p["statements"] and not by_period.get(key):
            if i % label_every == 0:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 15}" font-size="10" text-anchor="middle" '
                    f'fill="#999">{esc(key)}</text>'
                )
            continue
        y = height - bottom - h
        tip = f"{key}: {p['statements']} statements, {p['reports']} reports, {p['outlets']} outlets"
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="#9fb7d4">'
            f"<title>{esc(tip)}</title></rect>"
        )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - bottom + 15}" font-size="10" text-anchor="middle" '
                f'fill="#444">{esc(key)}</text>'
            )
        parts += [_change_marker(c, x + bar / 2, y - 9 - j * 13) for j, c in enumerate(by_period.get(key, [])[:6])]
    parts.append("</svg>")
    legend = (
        '<div class="legend small"><span>▮ statements per '
        + esc(grain)
        + '</span><span style="color:#f28e2b">● shift</span><span style="color:#e15759">◆ reversal</span></div>'
    )
    return "".join(parts) + legend


def _change_marker(change: dict[str, Any], cx: float, cy: float) -> str:
    """A shift (circle) or reversal (diamond) above its period's bar, its text on hover."""
    colour = LABEL_COLOURS[change["label"]]
    text = f"{_day(change['stated_at'])} {change['label']}: {change['content']}"
    tip = f"<title>{esc(text)}</title>"
    if change["label"] == "shift":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{colour}">{tip}</circle>'
    return (
        f'<rect x="{cx - 5:.1f}" y="{cy - 5:.1f}" width="10" height="10" fill="{colour}" '
        f'transform="rotate(45 {cx:.1f} {cy:.1f})">{tip}</rect>'
    )


def _truncate(value: datetime, grain: str) -> date:
    day = value.astimezone(UTC).date() if value.tzinfo else value.date()
    if grain == "month":
        return day.replace(day=1)
    if grain == "week":
        return date.fromordinal(day.toordinal() - day.weekday())
    return day


def _section(db: Path, government: str, topic: str, options: ReportOptions) -> str:
    periods = reads.timeline(db, government, topic, grain=options.grain, since=options.since)
    changes = reads.changes(db, government, topic, method=options.method, since=options.since)
    terms = reads.terms(db, government, topic, since=options.since, limit=options.terms_per_section)
    reports = reads.statement_reports(db, (c["statement_id"] for c in changes))
    labels = Counter(c["label"] for c in changes)
    anchor = esc(f"{government}-{topic}")
    out = [f'<h2 id="{anchor}">{esc(government)} on {esc(topic)}</h2>']
    out.append(
        '<p class="meta">'
        + esc(f"{len(changes)} statements · {len({c['point_id'] for c in changes})} points · ")
        + " · ".join(f'<span class="{esc(k)}">{esc(k)} {v}</span>' for k, v in sorted(labels.items()))
        + "</p>"
    )
    out.append(_as_of(db, government, topic, changes, options))
    out.append("<h3>Points over time</h3>")
    out.append(lanes_svg(changes))
    out.append(_transitions(changes))
    out.append("<h3>Volume</h3>")
    out.append(chart_svg(periods, changes, options.grain))
    out.append("<h3>Statements and changes</h3>")
    out.append(
        "<table><tr><th>date</th><th>label</th><th>speaker</th><th>statement</th>"
        "<th>compared with</th><th>score</th><th>sources</th></tr>"
    )
    for c in changes:
        sources = reports.get(c["statement_id"], [])
        links = "<br>".join(source_link(r) for r in sources) or safe_link(c["url"])
        earlier = ""
        if c["earlier_content"] is not None:
            when = "same day" if c["same_day"] else _day(c["earlier_stated_at"])
            earlier = f"{esc(when)}: {esc(c['earlier_content'])}<br>" + safe_link(c["earlier_url"], "source")
        score = "" if c["similarity"] is None else f"{c['similarity']:.2f}"
        rule = esc(c["rule"]) + (f"<br>{esc(c['change'])}" if c["change"] else "")
        out.append(
            f"<tr><td>{esc(_day(c['stated_at']))}</td>"
            f'<td class="label {esc(c["label"])}">{esc(c["label"])}<div class="small">{rule}</div></td>'
            f'<td>{esc(c["speaker"] or "(unnamed)")}</td><td class="quote">{esc(c["content"])}</td>'
            f'<td class="quote small">{earlier}</td><td>{esc(score)}</td><td>{links}</td></tr>'
        )
    out.append("</table>")
    out.append("<h3>Key phrases</h3>")
    out.append(
        "<table><tr><th>phrase</th><th>kind</th><th>statements</th><th>first seen</th><th>last seen</th>"
        "<th>first used in</th></tr>"
    )
    for t in terms:
        new = ' <span class="shift">new</span>' if t.get("is_new") else ""
        out.append(
            f"<tr><td>{esc(t['term'])}{new}</td><td>{esc(t['kind'])}</td><td>{esc(t['statements'])}</td>"
            f"<td>{esc(_day(t['first_seen']))}</td><td>{esc(_day(t['last_seen']))}</td>"
            f'<td class="quote small">{esc(t["first_statement"])} {safe_link(t["first_url"], "source")}</td></tr>'
        )
    out.append("</table>")
    return "\n".join(out)


def _as_of(
    db: Path, government: str, topic: str, changes: list[dict[str, Any]], options: ReportOptions
) -> str:
    """The section's opening: "As of DAY, GOVERNMENT says:" and each point's standing statement."""
    dated = [c["stated_at"] for c in changes if c["stated_at"] is not None]
    if options.as_of is None and not dated:
        return ""
    day = options.as_of or _truncate(max(dated), "day")
    points = standing(reads.position_as_of(db, government, topic, day, method=options.method))
    if not points:
        return f'<div class="asof">As of {esc(day)}, {esc(government)} had said nothing on {esc(topic)}.</div>'
    items = []
    for point in points:
        row = point.position
        said = f"{_day(row['stated_at'])}, {row['speaker'] or '(unnamed)'}"
        change = ""
        if point.label in ("shift", "reversal") and row["earlier_content"] is not None:
            change = (
                f'<div class="small">{esc(point.label)} of {esc(_day(row["earlier_stated_at"]))}: '
                f'<span class="before">{esc(row["earlier_content"])}</span>'
                + (f" — what changed: {esc(row['change'])}" if row["change"] else "")
                + "</div>"
            )
        again = f", said again {point.repeats}×" if point.repeats else ""
        items.append(
            f'<li><span class="label {esc(point.label)}">{esc(point.label)}</span> '
            f"{esc(row['content'])} <span class=\"small\">({esc(said)}{esc(again)}) "
            f"{safe_link(row['url'], 'source')}</span>{change}</li>"
        )
    return (
        f'<div class="asof"><strong>As of {esc(day)}, {esc(government)} says</strong> on {esc(topic)} '
        f'({len(points)} standing position{"s" if len(points) != 1 else ""}):<ul>' + "".join(items) + "</ul></div>"
    )


def _transitions(changes: list[dict[str, Any]]) -> str:
    """The shifts and reversals below the chart, each with the text before and after and what changed."""
    moved = [c for c in changes if c["label"] in ("shift", "reversal")]
    if not moved:
        return '<p class="small">No shifts or reversals.</p>'
    rows = [
        "<table><tr><th>date</th><th>change</th><th>before</th><th>after</th><th>what changed</th></tr>"
    ]
    for c in moved:
        before = f"{esc(_day(c['earlier_stated_at']))}: {esc(c['earlier_content'])} " + safe_link(
            c["earlier_url"], "source"
        )
        after = f"{esc(c['content'])} " + safe_link(c["url"], "source")
        rows.append(
            f"<tr><td>{esc(_day(c['stated_at']))}</td><td class=\"label {esc(c['label'])}\">{esc(c['label'])}</td>"
            f'<td class="quote before">{before}</td><td class="quote after">{after}</td>'
            f'<td class="small">{esc(c["change"] or c["rule"])}</td></tr>'
        )
    rows.append("</table>")
    return "".join(rows)


def render_report(db: Path, options: ReportOptions) -> tuple[str, int]:
    """The report's HTML and how many government/topic sections it has."""
    pairs = reads.pairs(db, options.government, options.topic, since=options.since)
    filters = ", ".join(
        f"{k} {v}"
        for k, v in (("government", options.government), ("topic", options.topic), ("since", options.since))
        if v
    )
    head = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>claimtrack: stated positions</title><style>{STYLE}</style></head><body>"
    )
    body = [
        "<h1>Stated positions over time</h1>",
        '<p class="meta">'
        + esc(
            f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC from {db.name}"
            f" · {filters or 'all governments and topics'} · changes by the {options.method} method"
            f" · periods: {options.grain}"
        )
        + "</p>",
        '<p class="small">Each statement is counted once however many outlets reported it. A government\'s '
        "statements on a topic are grouped into the points it keeps making, each labelled against the points made "
        'on earlier days: <span class="new">new</span>, <span class="reiteration">reiteration</span> (statements '
        'of the same day elaborate one another), <span class="shift">shift</span>, '
        '<span class="reversal">reversal</span>; every shift and reversal names the earlier statement and what '
        "changed. Every row links to its sources.</p>",
    ]
    if not pairs:
        body.append("<p>No dated statements with a government and a topic match these filters.</p>")
    else:
        body.append("<nav><ul>")
        body += [
            f'<li><a href="#{esc(f"{g}-{t}")}">{esc(g)} on {esc(t)}</a> ({n} statement{"s" if n != 1 else ""})</li>'
            for g, t, n in pairs
        ]
        body.append("</ul></nav>")
        body += [_section(db, g, t, options) for g, t, _ in pairs]
    return head + "\n".join(body) + "</body></html>\n", len(pairs)


def write_report(db: Path, out: Path, options: ReportOptions) -> int:
    page, sections = render_report(db, options)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    return sections
