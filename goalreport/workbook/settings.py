"""The Settings sheet: one setting per row, its name in the first column and its value in
the second. Unknown names are warnings (a manager's own notes are welcome there)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from fractions import Fraction
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.core import UnknownLocaleError

from goalreport.core.calendar import fiscal_year_bounds, regional_holidays
from goalreport.core.keys import stage_key
from goalreport.core.locales import FALLBACK
from goalreport.core.model import CreditOn, Landing, Relief, Settings
from goalreport.workbook.cellnames import cell_name
from goalreport.workbook.currencies import iso_code, not_a_code
from goalreport.workbook.dates import month_from_word, parse_date
from goalreport.workbook.rawcells import Book
from goalreport.workbook.schema import (
    CRM_COLUMN_SETTINGS,
    SETTING_SPECS,
    find_setting,
    normalize,
)
from goalreport.workbook.table import Collector, setting_pairs
from goalreport.workbook.values import (
    ValueProblem,
    check_domain,
    is_blank,
    parse_email,
    parse_int,
    parse_money,
    parse_number,
    parse_ratio,
    parse_text,
    quote,
)

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKING_DAYS_FIX = "Write the days such as Mon-Fri, Sun-Thu or Mon,Tue,Wed,Thu,Fri."


def parse_locale(value: Any) -> str:
    """'en_US', 'en-us', 'de' → a Babel-known locale identifier."""
    text = parse_text(value)
    try:
        return str(Locale.parse(text.replace("-", "_")))
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueProblem(f"{text!r} is not a locale. Write a locale such as en_US, en_GB, "
                           "de_DE or fr_FR.") from None


def parse_currency(value: Any) -> str:
    """An ISO 4217 code, read as a CRM export's currency column is (``currencies``)."""
    code = iso_code(parse_text(value))
    if code is None:
        raise ValueProblem(not_a_code(parse_text(value)))
    return code


def parse_month(value: Any, locale: str = FALLBACK) -> int:
    """1–12 or a month name ('April', 'apr')."""
    if isinstance(value, str) and not value.strip().isdigit():
        month = month_from_word(value, locale)
        if month is None:
            raise ValueProblem(f"{quote(value)} is not a month. Write a month number "
                               "1-12 or a name such as April.")
        return month
    month = parse_int(value, what="a month", example="4")
    if not 1 <= month <= 12:
        raise ValueProblem(f"{month!r} is not a month. Write a month number 1-12 or a name "
                           "such as April.")
    return month


def _day(word: str, shown: str) -> int:
    key = word.strip().casefold()[:3]
    if key not in DAY_NAMES or not word.strip().isalpha():
        raise ValueProblem(f"{quote(shown)} is not a list of weekdays ({word.strip()!r} is not a "
                           f"day). {WORKING_DAYS_FIX}")
    return DAY_NAMES.index(key)


def parse_working_days(value: Any) -> frozenset[int]:
    """'Mon-Fri', 'Sun–Thu', 'Monday to Friday', 'Mon,Tue,Thu' → weekday numbers (Mon = 0)."""
    shown = parse_text(value)
    days: set[int] = set()
    for part in re.split(r"[,;/+&]|\band\b", shown):
        if not part.strip():
            continue
        span = re.split(r"\s*(?:-|–|—|\bto\b|\bthrough\b|\.\.)\s*", part.strip())
        if len(span) == 2:
            first, last = _day(span[0], shown), _day(span[1], shown)
            day = first
            days.add(day)
            while day != last:
                day = (day + 1) % 7
                days.add(day)
        elif len(span) == 1:
            days.add(_day(span[0], shown))
        else:
            raise ValueProblem(f"{quote(shown)} is not a list of weekdays. {WORKING_DAYS_FIX}")
    if not days:
        raise ValueProblem(f"{quote(shown)} is not a list of weekdays. {WORKING_DAYS_FIX}")
    return frozenset(days)


@lru_cache(maxsize=1)
def _countries() -> dict[str, list[str]]:
    import holidays

    return {code.upper(): list(subdivisions)
            for code, subdivisions in holidays.list_supported_countries().items()}


def parse_country(value: Any) -> tuple[str, str | None]:
    """'US' → ('US', None); 'US-CA' → ('US', 'CA'), checked against the holidays package."""
    text = parse_text(value).upper().replace("_", "-").replace(" ", "")
    country, _, subdivision = text.partition("-")
    known = _countries()
    if country not in known:
        raise ValueProblem(f"{quote(value)} is not a country with known public "
                           "holidays. Write an ISO country code, with its region where the "
                           "regions differ, such as US, GB-ENG, DE-BY or FR, or leave it "
                           "empty.")
    if subdivision:
        valid = {s.upper(): s for s in known[country]}
        if subdivision not in valid:
            some = ", ".join(f"{country}-{s}" for s in known[country][:6])
            raise ValueProblem(f"{quote(value)}: {subdivision!r} is not a subdivision "
                               f"of {country}. Write one such as {some}, or just {country}.")
        return country, valid[subdivision]
    return country, None


def parse_stage_list(value: Any) -> tuple[str, ...]:
    """'Signed; Booked, Won - paid' → ('Signed', 'Booked', 'Won - paid'): CRM stage names
    separated by commas or semicolons."""
    return tuple(part.strip() for part in re.split(r"[;,]", parse_text(value)) if part.strip())


def parse_other_owners(value: Any) -> str:
    """'leave out' (also: ignore, skip, warn) or 'error' (also: stop)."""
    word = " ".join(parse_text(value).casefold().replace("-", " ").split())
    if word in ("leave out", "ignore", "skip", "warn", "warning", "leave them out"):
        return "leave out"
    if word in ("error", "stop", "problem"):
        return "error"
    raise ValueProblem(f"{quote(value)} is not a choice for Other Owners. Write 'leave out' "
                       "(their deals are left out, with a warning each) or 'error'.")


def _positive(parser: Callable[[Any], Any], what: str, example: str) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        result = parser(value)
        if result <= 0:
            raise ValueProblem(f"{quote(value)} is not {what}: it must be more than 0. "
                               f"Write a number such as {example}.")
        return result
    return parse


def _close_rate(value: Any) -> Fraction:
    rate = parse_ratio(value, what="a close rate", example="30% or 1/3")
    if rate == 0 or rate > 1:
        raise ValueProblem(
            f"{quote(value)} is not a close rate between 0 and 100%"
            f"{' (0 means no lead ever closes)' if rate == 0 else ''}. Write the share of "
            "leads that close, such as 30% or 1/3.")
    return rate


CREDIT_WORDS: dict[str, CreditOn] = {
    "booked": "booked", "booking": "booked", "closed": "booked", "close date": "booked",
    "won": "booked", "invoiced": "invoiced", "invoice": "invoiced", "invoice date": "invoiced",
    "billed": "invoiced", "paid": "paid", "payment": "paid", "paid date": "paid",
    "cash": "paid", "collected": "paid"}


def parse_credit_on(value: Any) -> CreditOn:
    """When a won deal counts: booked (its close date), invoiced or paid."""
    found = CREDIT_WORDS.get(normalize(parse_text(value)))
    if found is None:
        raise ValueProblem(f"{quote(value)} is not a choice for Credit On. Write booked (a "
                           "won deal counts on its close date), invoiced (on its Invoiced "
                           "Date) or paid (as it is paid).")
    return found


RELIEF_WORDS: dict[str, Relief] = {"none": "none", "no": "none", "keep": "none", "respread": "none",
                "re spread": "none", "prorate": "prorate", "prorated": "prorate",
                "pro rata": "prorate", "reduce": "prorate", "yes": "prorate"}


def parse_relief(value: Any) -> Relief:
    """Quota relief for time off: none (the target is re-spread over fewer days) or
    prorate (the days away take their part of the target with them)."""
    found = RELIEF_WORDS.get(normalize(parse_text(value)))
    if found is None:
        raise ValueProblem(f"{quote(value)} is not a relief. Write none (the same target "
                           "over fewer days) or prorate (less target for the days away).")
    return found


LANDING_WORDS: dict[str, Landing] = {
    "commit": "commit", "won commit": "commit", "won + commit": "commit", "closed commit":
    "commit", "weighted": "weighted", "won weighted": "weighted", "won + weighted": "weighted",
    "weighted pipeline": "weighted", "won + weighted pipeline": "weighted"}


def parse_landing(value: Any) -> Landing:
    """What landing adds to the money won: commit (the default) or weighted pipeline."""
    text = " ".join(normalize(parse_text(value)).replace("+", " + ").split())
    found = LANDING_WORDS.get(text) or LANDING_WORDS.get(text.replace(" + ", " "))
    if found is None:
        raise ValueProblem(f"{quote(value)} is not a landing. Write Commit (won + commit "
                           "deals) or Weighted (won + weighted pipeline).")
    return found


def parse_coverage(value: Any, locale: str) -> Fraction:
    """A coverage target: ``3x``, ``3×``, ``3``, ``2.5``, ``300%``; more than 0."""
    shown = parse_text(value) if isinstance(value, str) else value
    if isinstance(shown, str):
        shown = shown.rstrip("xX×").strip()
    ratio = parse_ratio(shown, locale, percent_above=None, what="a coverage target",
                        example="3x")
    if ratio <= 0:
        raise ValueProblem(f"{quote(value)} is not a coverage target: it must be more than "
                           "0. Write the pipeline wanted per unit of target still to win, "
                           "such as 3x.")
    return ratio


def read_settings(book: Book, sheet: str | None, out: Collector) -> Settings:
    """Settings from ``sheet`` (defaults where absent); problems go to ``out``."""
    if sheet is None:
        return Settings()
    raw: dict[str, tuple[str, Any]] = {}
    for row, column, label, value in setting_pairs(book, sheet):
        spec = find_setting(str(label))
        where = cell_name(sheet, row, column + 1)
        if spec is None:
            names = ", ".join(s.title for s in SETTING_SPECS)
            out.warn(cell_name(sheet, row, column), f"{parse_text(label)!r} is not a setting "
                     f"goalreport knows, so it is ignored. Known settings: {names}.")
        elif spec.key in raw:
            out.error(cell_name(sheet, row, column), f"{spec.title!r} is set twice (first at "
                      f"{raw[spec.key][0]}). Keep one row for it.")
        elif not is_blank(value):
            raw[spec.key] = (where, value)

    locale = _one(raw, "locale", parse_locale, out) or FALLBACK
    if "as_of" in raw and isinstance(raw["as_of"][1], str):
        out.text_dates.note_cell(raw["as_of"][0], raw["as_of"][1], locale)
    currency = _one(raw, "currency", parse_currency, out)
    if currency is None and "currency" in raw:
        out.unsure.add("currency")  # a bad Currency cell: amounts are not checked against it
    currency = currency or Settings().currency
    parsers: dict[str, Callable[[Any], Any]] = {
        "company": parse_text,
        "manager_email": lambda v: check_domain(parse_email(v), out.allowed_domains, v),
        "currency": parse_currency,
        "fiscal_year_start": lambda v: parse_month(v, locale),
        "working_days": parse_working_days,
        "holiday_country": parse_country,
        "as_of": lambda v: parse_date(v, locale),
        "default_close_rate": _close_rate,
        "default_meetings_per_lead": _positive(
            lambda v: parse_number(v, locale, what="a number of meetings", example="1.5"),
            "a number of meetings per lead", "1.5"),
        "default_avg_deal_size": _positive(lambda v: parse_money(v, locale, _checked(currency, out)),
                                           "a deal size", "5000"),
        "realism_threshold": _positive(
            lambda v: parse_ratio(v, locale, percent_above=None, what="a threshold",
                                  example="1.5 or 150%"), "a threshold", "1.5"),
        **{key: _positive(lambda v: parse_ratio(v, locale, percent_above=3, what="a pace",
                                                example="90% or 0.9"), "a pace", "90%")
           for key in ("on_track_pace", "slightly_behind_pace", "at_risk_pace")},
        "won_stages": parse_stage_list,
        "lost_stages": parse_stage_list,
        "default_relief": parse_relief,
        "new_types": parse_stage_list,
        "repeat_types": parse_stage_list,
        "other_owners": parse_other_owners,
        "landing": parse_landing,
        "coverage_target": lambda v: parse_coverage(v, locale),
        "default_plan": parse_text,
        "credit_on": parse_credit_on,
        "revenue_split_types": parse_stage_list,
        "overlay_split_types": parse_stage_list,
    }
    values: dict[str, Any] = {"locale": locale, "currency": currency}
    for key, parser in parsers.items():
        if key == "currency":
            continue  # read above: Default Avg Deal Size is checked against it
        parsed = _one(raw, key, parser, out)
        if parsed is not None:
            values[key] = parsed
    values["crm_columns"] = tuple((role, parse_text(raw[f"{role}_column"][1]))
                                  for role, *_ in CRM_COLUMN_SETTINGS if f"{role}_column" in raw)
    if "holiday_country" in values:
        values["holiday_country"], values["holiday_subdivision"] = values["holiday_country"]
    settings = Settings(**{f.name: values[f.name] for f in fields(Settings) if f.name in values})
    _check_paces(settings, raw, out)
    _check_stages(settings, raw, out)
    for key in ("holiday_country", "credit_on", "default_plan"):
        if key in raw:
            out.setting_cells[key] = raw[key][0]
    return settings


def holiday_region_warning(settings: Settings, year: int | None, out: Collector) -> None:
    """Warn when Holiday Country names a country without its region and the regions'
    public holidays differ (GB leaves out England's Easter Monday). The line itself fits
    two lines of a terminal, for every run: what is missed and a code to write; what each
    region adds in goal ``year`` and every code are its ``detail`` (``--verbose``)."""
    country = settings.holiday_country
    if country is None or settings.holiday_subdivision is not None or year is None:
        return
    start, end = fiscal_year_bounds(year, settings.fiscal_year_start)
    extras = regional_holidays(country, start, end, settings.working_days)
    if not extras:
        return
    groups: dict[tuple[tuple[date, str], ...], list[str]] = {}
    for region, added in extras.items():
        groups.setdefault(added, []).append(region)
    shown = []
    for added, regions in groups.items():
        days = ", ".join(f"{name} ({day.day} {day:%B %Y})" for day, name in added)
        shown.append(f"{_listed(regions)} {'adds' if len(regions) == 1 else 'add'} {days}")
    codes = sorted(extras)
    # An ISO 3166-2 code to suggest (GB-ENG), not one of the package's city aliases.
    example = next((c for c in codes if re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", c)), codes[0])
    most = max(len(added) for added in extras.values())
    message = (f"Holiday Country {country} has no region: up to {most} regional day{_s(most)} "
               f"off a year {'are' if most != 1 else 'is a'} working day{_s(most)}. Write one, "
               f"such as {example} (--verbose lists them).")
    out.warn(out.setting_cells.get("holiday_country", "Settings sheet"), message,
             kind="holiday region", detail=(
        f"Without a region only the holidays all of {country} keeps are days off. In goal "
        f"year {year} ({_span(start, end)}): {'; '.join(shown)}. The regions: "
        f"{', '.join(codes)}."))


def _s(count: int, plural: bool = True) -> str:
    """'s' for a plural noun (or, with ``plural=False``, for a singular verb)."""
    return "s" if (count != 1) == plural else ""


def _listed(items: list[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _span(start: date, end: date) -> str:
    return f"{start:%B %Y} – {end:%B %Y}"


def _checked(currency: str, out: Collector) -> str | None:
    return None if "currency" in out.unsure else currency


def _one(raw: dict[str, tuple[str, Any]], key: str, parser: Callable[[Any], Any],
         out: Collector) -> Any:
    if key not in raw:
        return None
    where, value = raw[key]
    try:
        return parser(value)
    except ValueProblem as problem:
        out.error(where, problem.message)
        return None


def _check_stages(settings: Settings, raw: dict[str, tuple[str, Any]], out: Collector) -> None:
    """A stage named both won and lost (a split type both revenue and overlay) would be
    counted as neither reliably: an error."""
    for first, second, key in ((settings.won_stages, settings.lost_stages, "stages"),
                               (settings.revenue_split_types, settings.overlay_split_types,
                                "split_types")):
        seen = {stage_key(name) for name in first}
        both = [name for name in second if stage_key(name) in seen]
        if both:
            one, other = ("Won Stages", "Lost Stages") if key == "stages" else (
                "Revenue Split Types", "Overlay Split Types")
            where = raw["lost_stages" if key == "stages" else "overlay_split_types"][0]
            out.error(where, f"{both[0]!r} is in both {one} and {other}. Keep it in the "
                      "one it means.")


def _check_paces(settings: Settings, raw: dict[str, tuple[str, Any]], out: Collector) -> None:
    if not settings.on_track_pace >= settings.slightly_behind_pace >= settings.at_risk_pace:
        where = next((raw[k][0] for k in ("on_track_pace", "slightly_behind_pace",
                                          "at_risk_pace") if k in raw), "Settings sheet")
        out.error(where, "the status thresholds must go down: On Track Pace ≥ Slightly "
                  f"Behind Pace ≥ At Risk Pace (now {float(settings.on_track_pace):.0%}, "
                  f"{float(settings.slightly_behind_pace):.0%}, "
                  f"{float(settings.at_risk_pace):.0%}). Fix the order, such as 100%, 90%, "
                  "75%.")
