"""German texts and formats of the Sachstandsbericht (dates 24.11.2026, numbers 1.234,5).

Reasons are phrased from the machine codes of ``metrics.health`` and
``metrics.forecast`` (never from their English messages); an unknown code
falls back to the English reason rather than hiding it.
"""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from metrics.health import HealthThresholds

NONE = "–"

RAG_LABEL: Mapping[str, str] = {
    "green": "Grün",
    "amber": "Gelb",
    "red": "Rot",
    "grey": "Grau",
}
RAG_MEANING: Mapping[str, str] = {
    "green": "im Plan",
    "amber": "beobachten",
    "red": "Entscheidung nötig",
    "grey": "nicht bewertbar",
}
DIMENSION_LABEL: Mapping[str, str] = {
    "schedule": "Termin",
    "delivery": "Lieferung",
    "freshness": "Datenaktualität",
}
DIMENSION_SHORT: Mapping[str, str] = {
    "schedule": "Termin",
    "delivery": "Liefe\u00adrung",
    "freshness": "Aktua\u00adlität",
}
HEALTH_CHANGE_LABEL: Mapping[str, str] = {
    "better": "verbessert",
    "worse": "verschlechtert",
    "same": "unverändert",
    "unknown": "nicht vergleichbar",
}

TITLE = "Sachstandsbericht"
ALL_PROGRAMMES = "alle Programme"
AS_OF = "Stand"
OVERVIEW = "Übersicht"
LEGEND = "Legende: So wird die Ampel bestimmt"
PROJECT_DETAILS = "Projektsteckbrief"
OWNER = "Verantwortlich"
GOAL = "Ziel"
PROGRAMME = "Programm"
TARGET_DATE = "Zieltermin"
FORECAST_P85 = "Prognose (85 %)"
PROGRESS = "Fortschritt"
VELOCITY = "Velocity"
SAY_DO = "Say/Do-Quote"
TREND = "Trend seit Vormonat"
HEALTH = "Ampel"
OVERALL = "Gesamt"
ACTIVE_SPRINT = "Aktueller Sprint"
NO_ACTIVE_SPRINT = "Kein laufender Sprint."
CLOSED_SPRINTS = "Abgeschlossene Sprints"
NO_CLOSED_SPRINTS = "Noch kein abgeschlossener Sprint."
OPEN_WORK = "Offene Arbeit im aktuellen Sprint (größte zuerst)"
NO_OPEN_WORK = "Keine offene Arbeit im aktuellen Sprint."
PROJECT = "Projekt"
SPRINT = "Sprint"
SPRINT_GOAL = "Sprintziel"
START = "Beginn"
END = "Ende"
CLOSED_AT = "Abgeschlossen am"
COMMITTED = "Zugesagt (Punkte)"
COMPLETED = "Erledigt (Punkte)"
KEY = "Schlüssel"
ITEM_TITLE = "Titel"
STATUS = "Status"
POINTS = "Punkte"
ASSIGNEE = "Zuständig"
UNASSIGNED = "nicht zugewiesen"
VELOCITY_CHART = "Zugesagte und erledigte Punkte der letzten Sprints"
PROGRESS_CHART = "Anteil erledigter Punkte"
FOOTER = (
    "Erstellt mit Sprintfolio aus den Daten der angebundenen Tracker. Alle Kennzahlen sind in "
    "der Legende erklärt."
)
NOTES_HEADER = "Hinweis"


# ------------------------------------------------------------------------------- formats


def number(value: float | None, *, decimals: int = 1, trim: bool = True) -> str:
    """A number with German separators: 1234.5 → "1.234,5"; None → "–".

    Rounded half up; with ``trim`` trailing zeros after the comma are dropped (19.0 → "19").
    """
    if value is None or value != value or value in (float("inf"), float("-inf")):
        return NONE
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def signed(value: float | None, *, decimals: int = 1) -> str:
    """A change with its sign: "+2", "−8,5" (a real minus sign), "0"; None → "–"."""
    if value is None:
        return NONE
    text = number(abs(value), decimals=decimals)
    if text == "0":
        return "0"
    return f"+{text}" if value > 0 else f"\u2212{text}"


def percent(share: float | None) -> str:
    """A share 0..1 as whole percent: 0.5 → "50 %"."""
    return NONE if share is None else f"{number(share * 100, decimals=0)}\u00a0%"


def ratio(value: float | None) -> str:
    """A ratio with two decimals: 0.646 → "0,65"."""
    return number(value, decimals=2, trim=False)


def day(value: date | datetime | None, tz: ZoneInfo | None = None) -> str:
    """A date as 24.11.2026 (an aware datetime is first put into ``tz``)."""
    if value is None:
        return NONE
    if isinstance(value, datetime):
        value = (value.astimezone(tz) if tz is not None else value).date()
    return value.strftime("%d.%m.%Y")


def days(count: float) -> str:
    """A number of days: "1 Tag", "12 Tage", "8,4 Tage"."""
    return f"{number(count)} Tag" if count == 1 else f"{number(count)} Tage"


def age(hours: float) -> str:
    """How long ago: "5 Std." below two days, else "3 Tagen" (after "vor")."""
    if hours < 1:
        return "weniger als einer Stunde"
    if hours < 48:
        return f"{number(hours, decimals=0)} Std."
    whole = int(hours // 24)
    return f"{whole} Tagen"


def rag(level: str | None) -> str:
    """The colour's name ("Grün"); unknown or None → "Grau"."""
    return RAG_LABEL.get(level or "grey", RAG_LABEL["grey"])


# ------------------------------------------------------------------------------- reasons


def schedule_reason(
    code: str,
    values: Mapping[str, float],
    *,
    forecast_p85: date | None,
    target_date: date | None,
    no_forecast_reason: str | None,
    fallback: str,
) -> str:
    """The schedule reason in German, from ``metrics.health.schedule_health``'s code and values."""
    if code == "no_target_date":
        return "Kein Zieltermin festgelegt; der Termin ist nicht bewertbar."
    if code == "no_forecast":
        why = {
            "too_little_history": "zu wenig Verlauf (weniger als 10 Arbeitstage Durchsatz)",
            "not_within_cap": "beim bisherigen Durchsatz nicht innerhalb von fünf Jahren fertig",
        }.get(no_forecast_reason or "", "keine Prognose berechnet")
        return f"Keine Prognose möglich: {why}."
    forecast, target = day(forecast_p85), day(target_date)
    if code == "on_or_before_target":
        early = values.get("days_early", 0)
        if not early:
            return f"Die 85-%-Prognose ({forecast}) trifft genau den Zieltermin ({target})."
        return f"Die 85-%-Prognose ({forecast}) liegt {days(early)} vor dem Zieltermin ({target})."
    if code in ("late_within_tolerance", "late_by_days"):
        late = values.get("days", 0)
        tolerance = values.get("tolerance_days", 0)
        remaining = values.get("remaining_days", 0)
        base = f"Die 85-%-Prognose ({forecast}) liegt {days(late)} nach dem Zieltermin ({target})"
        rule = f"Toleranz {days(tolerance)}, 10 % der verbleibenden {days(remaining)}"
        if code == "late_within_tolerance":
            return f"{base}, innerhalb der Toleranz ({rule})."
        return f"{base}; die Toleranz ist überschritten ({rule})."
    return fallback


def delivery_reason(code: str, values: Mapping[str, float], *, fallback: str) -> str:
    """The delivery reason in German (``metrics.health.delivery_health``'s code and values)."""
    if code == "no_closed_sprints":
        return "Noch kein abgeschlossener Sprint mit zugesagten Punkten; nicht bewertbar."
    if code == "say_do_mean":
        sprints = int(values.get("sprints", 0))
        which = "des letzten Sprints" if sprints == 1 else f"der letzten {sprints} Sprints"
        return (
            f"Mittlere Say/Do-Quote {which}: {ratio(values.get('mean'))} "
            "(erledigt ÷ zugesagt; grün ab 0,8, gelb ab 0,6)."
        )
    return fallback


def freshness_reason(code: str, values: Mapping[str, float], *, fallback: str) -> str:
    """The freshness reason in German (``metrics.health.freshness_health``'s code and values)."""
    if code == "no_sources":
        return "Keine Datenquelle angebunden; nicht bewertbar."
    if code == "never_synced":
        never, sources = int(values.get("never_synced", 0)), int(values.get("sources", 0))
        return (
            f"{never} von {sources} Datenquelle(n) noch nie erfolgreich synchronisiert; "
            "die Zahlen können veraltet sein."
        )
    if code == "oldest_sync_age":
        sources = int(values.get("sources", 0))
        which = "der Datenquelle" if sources == 1 else f"der ältesten von {sources} Datenquellen"
        return (
            f"Letzte erfolgreiche Synchronisierung {which} vor {age(values.get('hours', 0))} "
            "(grün unter 24 Std., gelb unter 72 Std.)."
        )
    return fallback


def legend(thresholds: HealthThresholds) -> list[tuple[str, str]]:
    """The rules behind the colours and figures (METRICS.md), with the configured thresholds."""
    share = number(thresholds.schedule_tolerance_share * 100, decimals=0)
    window = thresholds.delivery_window_sprints
    return [
        (
            "Termin",
            "Grün, wenn das 85-%-Prognosedatum auf oder vor dem Zieltermin liegt; Gelb, wenn es "
            f"höchstens {share} % der bis zum Zieltermin verbleibenden Tage später liegt; sonst "
            "Rot. Grau ohne Zieltermin oder ohne Prognose.",
        ),
        (
            "Lieferung",
            f"Mittlere Say/Do-Quote (erledigt ÷ zugesagt) der letzten {window} abgeschlossenen "
            f"Sprints: Grün ab {number(thresholds.delivery_green_min, decimals=2)}, Gelb ab "
            f"{number(thresholds.delivery_amber_min, decimals=2)}, sonst Rot. Grau ohne "
            "abgeschlossenen Sprint.",
        ),
        (
            "Datenaktualität",
            "Letzte erfolgreiche Synchronisierung jeder Datenquelle des Projekts: Grün unter "
            f"{number(thresholds.freshness_green_hours, decimals=0)} Std., Gelb unter "
            f"{number(thresholds.freshness_amber_hours, decimals=0)} Std., sonst Rot (auch wenn "
            "eine Quelle noch nie synchronisiert wurde).",
        ),
        (
            "Gesamt",
            "Die schlechteste der drei Bewertungen; nicht bewertbare (Grau) bleiben außer Acht.",
        ),
        (
            "Prognose (85 %)",
            "Monte-Carlo-Simulation (10.000 Durchläufe) aus dem täglichen Durchsatz der letzten "
            "60 Arbeitstage: Mit 85 % Wahrscheinlichkeit ist die offene Arbeit bis zu diesem "
            "Datum erledigt.",
        ),
        (
            "Velocity",
            f"Mittel der erledigten Punkte der letzten {window} abgeschlossenen Sprints.",
        ),
        (
            "Fortschritt",
            "Erledigte Punkte ÷ alle Punkte des Projekts (ohne Epics, Unteraufgaben und "
            "verworfene Einträge).",
        ),
        (
            "Trend seit Vormonat",
            "Vergleich des neuesten Wochenstands mit dem jüngsten, der mindestens vier Wochen "
            "älter ist.",
        ),
    ]
