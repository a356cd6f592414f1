"""The dashboard's one message catalogue and the locale-dependent formats.

Every user-visible text of the dashboard comes from here: pages call
``t("portfolio.title")`` (with ``str.format`` parameters where the text has
placeholders) and the ``fmt_*`` helpers for dates and numbers. German is the
only locale today; English (issue S3) is another mapping with the same keys in
``CATALOGUES`` (a test checks that every key used in ``dashboard/`` exists).
"""

import math
from collections.abc import Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final, Literal
from zoneinfo import ZoneInfo

Locale = Literal["de"]
Catalogue = Mapping[str, str]

DEFAULT_LOCALE: Final[Locale] = "de"

_DE: dict[str, str] = {
    # App and navigation
    "app.title": "Sprintfolio",
    "app.caption": "Programm {programme} · Stand {today}",
    "nav.portfolio": "Portfolio",
    "nav.project": "Projekt",
    "nav.sprint": "Sprint",
    "nav.sources": "Quellen",
    "nav.items": "Einträge",
    "nav.audit": "Protokoll",
    "audit.title": "Protokoll",
    "audit.intro": (
        "Wer hat wann was geändert: jede Änderung, jeder abgelehnte oder kollidierende Versuch "
        "und jede Synchronisierung, neueste zuerst."
    ),
    "audit.actor": "Wer",
    "audit.action": "Aktion",
    "audit.outcome": "Ergebnis",
    "audit.limit": "Höchstens",
    "audit.none": "Keine Einträge für diese Auswahl.",
    "audit.col.at": "Zeitpunkt",
    "audit.col.entity": "Objekt",
    "audit.col.changes": "Änderungen",
    "audit.col.note": "Hinweis",
    "audit.change": "{field}: {old} → {new}",
    "audit.value": "{field}: {new}",
    "items.title": "Einträge",
    "items.intro": (
        "Board und Backlog des Projekts: filtern, suchen, ändern. Änderungen an Einträgen aus "
        "einem Tracker werden dorthin zurückgeschrieben; bis dahin sind sie als „ausstehend“ "
        "markiert. Niemand überschreibt unbemerkt die Änderung eines anderen."
    ),
    "items.actor": "Angemeldet als",
    "items.actor.help": (
        "Bis zur Anmeldung (S7) wählen Sie hier, wer ändert; das Protokoll nennt es."
    ),
    "items.backlog": "Backlog",
    "items.filter.sprint": "Sprint",
    "items.filter.all": "Alle",
    "items.filter.status": "Status",
    "items.filter.status.all": "Alle Status",
    "items.filter.search": "Suche (Schlüssel oder Titel)",
    "items.count": "{shown} von {total} Einträgen",
    "items.col.pending": "Rückschreibung ausstehend",
    "items.col.pending.help": "Die Änderung ist gespeichert, aber noch nicht im Tracker.",
    "items.save": "{n} Änderungen speichern",
    "items.reload": "Tabelle neu laden",
    "items.saved": "{n} Einträge gespeichert.",
    "items.conflict": (
        "{key}: Jemand hat den Eintrag inzwischen geändert. Nichts wurde überschrieben; bitte "
        "prüfen und erneut speichern."
    ),
    "items.conflict.field": "{field}: Ihr Wert „{wanted}“, gespeichert ist „{stored}“",
    "items.rejected": "{key} nicht gespeichert:",
    "items.rejected.field": "{field} – {reason}",
    "items.forbidden": "{key}: Sie dürfen diesen Eintrag nicht ändern.",
    "edit.reject.item_not_found": "den Eintrag gibt es nicht mehr",
    "edit.reject.project_not_found": "das Projekt gibt es nicht",
    "edit.reject.no_local_source": "das Projekt hat keine lokale Quelle",
    "edit.reject.unknown_status": "diesen Status kennt der Workflow der Quelle nicht",
    "edit.reject.unknown_type": "unbekannter Eintragstyp",
    "edit.reject.not_a_number": "keine Zahl",
    "edit.reject.not_on_scale": "nicht auf der Punkteskala",
    "edit.reject.sprint_not_found": "den Sprint gibt es nicht",
    "edit.reject.sprint_other_project": "der Sprint gehört zu einem anderen Projekt",
    "edit.reject.sprint_other_source": "der Sprint gehört zu einer anderen Quelle",
    "edit.reject.sprint_closed": "der Sprint ist abgeschlossen",
    "edit.reject.person_not_found": "diese Person gibt es nicht",
    "edit.reject.not_a_member": "die Person gehört nicht zum Projekt",
    "edit.reject.title_empty": "der Titel ist leer",
    "edit.reject.title_too_long": "der Titel ist zu lang (höchstens 1.000 Zeichen)",
    "edit.reject.title_control_characters": "der Titel enthält Steuerzeichen",
    "edit.reject.wrong_type": "ungültiger Wert",
    "sources.title": "Quellen & Synchronisation",
    "sources.intro": (
        "Woher die Daten kommen und wie aktuell sie sind. Zugangsdaten bleiben in den "
        "Umgebungsvariablen des Servers; hier steht nur ihr Name."
    ),
    "sources.none": "Noch keine Quelle. Eine Jira-Quelle legt `sprintfolio source add` an.",
    "sources.col.name": "Quelle",
    "sources.col.kind": "Art",
    "sources.col.projects": "Projekte",
    "sources.col.freshness": "Aktualität",
    "sources.col.last_sync": "Letzte erfolgreiche Synchronisierung",
    "sources.col.error": "Letzter Fehler",
    "sources.col.outbox": "Offene Rückschreibungen",
    "sources.freshness": "{icon} {reason}",
    "sources.never": "nie",
    "sources.details": "{name}: Verbindung und letzte Läufe",
    "sources.url": "Adresse: {url}",
    "sources.token": "Token aus der Umgebungsvariablen `{name}`: {state}",
    "sources.token.set": "gesetzt",
    "sources.token.missing": "nicht gesetzt – ohne sie schlägt die Synchronisierung fehl",
    "sources.runs": "Letzte Läufe",
    "sources.runs.none": "Noch kein Lauf.",
    "sources.run.started": "Beginn",
    "sources.run.mode": "Art",
    "sources.run.outcome": "Ergebnis",
    "sources.run.counts": "Seiten / Einträge / Ereignisse / Anfragen / Wiederholungen",
    "sources.run.error": "Fehler",
    "sources.sync_now": "Jetzt synchronisieren",
    "sources.syncing": "Synchronisiere {name} …",
    "sources.sync.ok": (
        "{name}: {pages} Seiten, {items} Einträge, {events} Ereignisse, {requests} Anfragen "
        "in {seconds} s."
    ),
    "sources.sync.failed": "Synchronisierung von {name} fehlgeschlagen: {error}",
    "sources.refused.local": (
        "„{name}“ ist eine lokale Quelle: Sprintfolio ist hier selbst der Tracker."
    ),
    "sources.refused.demo": (
        "„{name}“ gehört zum Demo-Portfolio und zeigt auf eine Beispieladresse; sie wird nicht "
        "synchronisiert."
    ),
    "sources.refused.kind": "Für Quellen der Art „{kind}“ gibt es noch keinen Connector.",
    "sources.refused.unknown": "Die Quelle „{name}“ gibt es nicht mehr.",
    "error.service": "Die Daten konnten nicht geladen werden: {detail}",
    "error.store": "Der Datenspeicher ist nicht erreichbar: {detail}",
    "empty.store": (
        "Noch keine Projekte im Datenspeicher. Mit `sprintfolio seed` wird das "
        "Demo-Portfolio der Stadt Mainz angelegt."
    ),
    # Status (RAG) with its reasons
    "status.green": "🟢 im Plan",
    "status.amber": "🟠 gefährdet",
    "status.red": "🔴 kritisch",
    "status.grey": "⚪ unbekannt",
    "icon.green": "🟢",
    "icon.amber": "🟠",
    "icon.red": "🔴",
    "icon.grey": "⚪",
    "freshness.value": "{icon} vor {age}",
    "freshness.never": "{icon} nie",
    "freshness.none": "{icon} keine Quelle",
    "dimension.schedule": "Termin",
    "dimension.delivery": "Lieferung",
    "dimension.freshness": "Aktualität",
    "reason.on_or_before_target": "85-%-Prognose {days} Tage vor dem Zieltermin",
    "reason.on_target": "85-%-Prognose genau am Zieltermin",
    "reason.late_within_tolerance": (
        "85-%-Prognose {days} Tage nach dem Zieltermin (Toleranz {tolerance} Tage)"
    ),
    "reason.late_by_days": "85-%-Prognose {days} Tage nach dem Zieltermin",
    "reason.no_target_date": "kein Zieltermin",
    "reason.no_forecast": "keine Prognose (zu wenig Verlauf)",
    "reason.say_do_mean": "Say/Do Ø {ratio} (Ziel ≥ {green})",
    "reason.say_do_mean.few": "Say/Do Ø {ratio} aus {sprints} Sprints (Ziel ≥ {green})",
    "reason.no_closed_sprints": "noch kein abgeschlossener Sprint",
    "reason.oldest_sync_age": "älteste Synchronisierung vor {age}",
    "reason.never_synced": "{never} von {sources} Quellen noch nie erfolgreich synchronisiert",
    "reason.no_sources": "keine Datenquelle verbunden",
    "portfolio.forecast": "Prognose {forecast} (85 %) · Ziel {target}",
    "col.forecast": "Prognose 85 %",
    "col.forecast.help": (
        "Datum, bis zu dem die offenen Einträge in 85 % von 10.000 Monte-Carlo-Läufen erledigt "
        "sind (Durchsatz der letzten 60 Arbeitstage)"
    ),
    "reason.line": "{dimension}: {reason}",
    "age.hours": "{n} Std.",
    "age.days": "{n} Tagen",
    # Portfolio page
    "portfolio.title": "Portfolio",
    "portfolio.intro": (
        "Alle Projekte des Programms auf einen Blick: Status mit Begründung, laufender Sprint, "
        "Velocity, Fortschritt und Aktualität der Daten."
    ),
    "portfolio.filter_tags": "Nach Handlungsfeld filtern",
    "portfolio.filter_tags.help": "Zeigt nur Projekte mit mindestens einem der gewählten Tags.",
    "portfolio.none_match": "Kein Projekt passt zum Filter.",
    "portfolio.details": "Zum Projekt",
    "portfolio.select_hint": "Eine Zeile anklicken oder unten ein Projekt wählen, um es zu öffnen.",
    "portfolio.count.projects": "Projekte",
    "portfolio.count.green": "im Plan",
    "portfolio.count.amber": "gefährdet",
    "portfolio.count.red": "kritisch",
    "portfolio.legend": (
        "**Status** ist der schlechteste bekannte Einzelstatus. **Termin**: 85-%-Prognose "
        "(Monte Carlo über den täglichen Durchsatz der letzten 60 Arbeitstage) gegen den "
        "Zieltermin: 🟢 am oder vor dem Ziel, 🟠 höchstens {s_share} % der verbleibenden Zeit "
        "später, 🔴 später. **Lieferung**: Say/Do-Quote "
        "(erledigt ÷ zugesagt) im Mittel der letzten {window} abgeschlossenen Sprints: "
        "🟢 ≥ {d_green}, 🟠 ≥ {d_amber}, 🔴 darunter. **Aktualität**: letzte erfolgreiche "
        "Synchronisierung jeder Quelle: 🟢 unter {f_green} Std., 🟠 unter {f_amber} Std., "
        "🔴 älter. **Velocity**: mittlere erledigte Story Points der letzten {window} "
        "abgeschlossenen Sprints (Spanne min.–max.). **Fortschritt**: erledigte ÷ alle Story "
        "Points ohne Epics, Unteraufgaben und verworfene Einträge."
    ),
    "portfolio.legend.title": "So wird das berechnet",
    "col.key": "Kürzel",
    "col.project": "Projekt",
    "col.status": "Status",
    "col.reason": "Begründung",
    "col.sprint": "Laufender Sprint",
    "col.sprint.help": (
        "Erledigte von zugesagten plus hinzugefügten Story Points; Arbeitstage bis zum "
        "Sprintende (heute eingeschlossen)"
    ),
    "col.reason.help": "Die Einzelwerte, die den Status bestimmen",
    "col.velocity": "Velocity (SP)",
    "col.progress": "Fortschritt",
    "col.progress.help": "Erledigte ÷ alle Story Points (ohne Epics und Unteraufgaben)",
    "col.target": "Zieltermin",
    "col.freshness": "Aktualität",
    "value.none": "–",
    "value.velocity": "{mean} ({low}–{high})",
    "value.sprint": "{name} · {done}/{scope} SP · {days} AT",
    "value.of": "{done} von {total}",
    # Project page
    "project.title": "Projekt",
    "project.picker": "Projekt",
    "project.option": "{name} ({key})",
    "project.owner": "Verantwortlich: {owner}",
    "project.programme_team": "Programm {programme} · {team}",
    "project.velocity": "Velocity",
    "project.velocity.help": "Mittlere erledigte Story Points der letzten {window} Sprints",
    "project.velocity.range": "Spanne {low}–{high} SP",
    "project.say_do": "Say/Do (Ø)",
    "project.say_do.help": "Erledigt ÷ zugesagt, Mittel der letzten {window} Sprints",
    "project.progress": "Fortschritt",
    "project.progress.detail": "{done} von {total} SP",
    "project.target": "Zieltermin",
    "project.status_line": "**Status:** {status}",
    "project.chart.title": "Velocity je Sprint",
    "project.sprints.title": "Abgeschlossene Sprints",
    "project.no_sprints": "Noch kein abgeschlossener Sprint.",
    "project.to_sprint": "Zum laufenden Sprint",
    "project.burnup.title": "Burnup mit Prognosekegel",
    "project.burnup.explain": (
        "**Gesamtumfang**: Story Points aller Einträge (ohne Epics, Unteraufgaben und "
        "verworfene) am Ende jedes Tages; **Erledigt**: Story Points der erledigten Einträge. "
        "Der **Prognosekegel** beginnt heute bei den erledigten Punkten und endet beim "
        "heutigen Gesamtumfang an den Daten, bis zu denen die offenen Punkte in 50, 85 und "
        "95 % von 10.000 Monte-Carlo-Läufen erledigt sind (Velocity der letzten 6 "
        "abgeschlossenen Sprints, je Sprint zufällig gezogen)."
    ),
    "project.burnup.none": "Keine Punkte-Prognose: {reason}",
    "project.forecast.title": "Prognose der offenen Einträge",
    "project.forecast.items": "{items} offene Einträge",
    "project.forecast.p50": "50 %",
    "project.forecast.p85": "85 %",
    "project.forecast.p95": "95 %",
    "project.forecast.none": "Keine Prognose: zu wenig Verlauf ({reason}).",
    "project.forecast.explain": (
        "Monte-Carlo-Simulation (10.000 Läufe, fester Startwert): für jeden künftigen "
        "Arbeitstag wird ein Tagesdurchsatz aus den letzten 60 Arbeitstagen gezogen, bis alle "
        "offenen Einträge erledigt sind. Angegeben ist das Datum, bis zu dem 50, 85 bzw. 95 % "
        "der Läufe fertig sind. Wochenenden, Feiertage in Rheinland-Pfalz und freie Tage des "
        "Teams zählen nicht."
    ),
    "project.cfd.title": "Kumulatives Flussdiagramm",
    "project.cfd.by_status": "Nach Workflow-Status",
    "project.cfd.explain": (
        "Anzahl der Einträge je Statuskategorie (Offen, In Arbeit, Erledigt) am Ende jedes "
        "Tages (Europe/Berlin); Epics und verworfene Einträge zählen nicht. Wachsende "
        "„In Arbeit“-Bänder zeigen einen Stau."
    ),
    "project.cycle.title": "Durchlaufzeit je Eintrag",
    "project.cycle.explain": (
        "**Durchlaufzeit** (Cycle Time): vom ersten Wechsel nach „In Arbeit“ bis zum letzten "
        "Wechsel nach „Erledigt“; **Vorlaufzeit** (Lead Time): von der Anlage bis zum letzten "
        "Wechsel nach „Erledigt“. Kalendertage mit einer Nachkommastelle; Arbeitstage zählen "
        "nur Zeit an Arbeitstagen. Linien: 50., 85. und 95. Perzentil."
    ),
    "project.cycle.stats": "Perzentile in Tagen",
    "project.cycle.kind": "Kennzahl",
    "project.cycle.cycle": "Durchlaufzeit (Kalendertage)",
    "project.cycle.cycle_working": "Durchlaufzeit (Arbeitstage)",
    "project.cycle.lead": "Vorlaufzeit (Kalendertage)",
    "project.cycle.lead_working": "Vorlaufzeit (Arbeitstage)",
    "project.throughput.title": "Durchsatz je Kalenderwoche",
    "project.throughput.explain": (
        "Einträge, die in der Woche (Montag bis Sonntag) zum letzten Mal nach „Erledigt“ "
        "gewechselt sind."
    ),
    "project.wip.title": "Alter der Einträge in Arbeit",
    "project.wip.explain": "Tage seit dem ersten Wechsel nach „In Arbeit“, älteste zuerst.",
    "project.wip.none": "Nichts in Arbeit.",
    "project.data_table": "Daten als Tabelle",
    "col.age_days": "Alter (Tage)",
    "col.started": "Begonnen",
    "col.date": "Datum",
    "col.week": "Woche ab",
    "col.count": "Anzahl",
    "col.scope": "Umfang (SP)",
    "col.completed_points": "Erledigt (SP)",
    "col.todo": "Offen",
    "col.in_progress": "In Arbeit",
    "col.done": "Erledigt",
    "col.cycle_days": "Durchlaufzeit (Tage)",
    "col.done_at": "Erledigt am",
    "project.explain": (
        "**Zugesagt**: Story Points der Einträge, die beim Sprintstart im Sprint und offen "
        "waren. **Erledigt**: Story Points der Einträge, die am Sprintende im Sprint und "
        "erledigt waren. **Say/Do** = erledigt ÷ zugesagt. **Velocity**: Mittel der "
        "erledigten Punkte der letzten {window} abgeschlossenen Sprints; die Linie zeigt "
        "diesen gleitenden Mittelwert je Sprint."
    ),
    "col.sprint_name": "Sprint",
    "col.start": "Beginn",
    "col.end": "Ende",
    "col.committed": "Zugesagt (SP)",
    "col.completed": "Erledigt (SP)",
    "col.say_do": "Say/Do",
    "col.rolling": "Velocity gleitend (SP)",
    # Sprint page
    "sprint.title": "Sprint",
    "sprint.picker": "Sprint",
    "sprint.option": "{name} ({start} – {end})",
    "sprint.option.running": "{name} ({start} – {end}, läuft)",
    "sprint.option.future": "{name} ({start} – {end}, geplant)",
    "sprint.none": "Dieses Projekt hat noch keinen Sprint.",
    "sprint.unplanned": "Dieser Sprint hat noch keinen Zeitraum.",
    "sprint.goal": "Sprintziel: {goal}",
    "sprint.window": "{start} – {end}",
    "sprint.state.active": "läuft",
    "sprint.state.closed": "abgeschlossen",
    "sprint.state.future": "geplant",
    "sprint.as_of": "Stand {when}",
    "metric.committed": "Zugesagt",
    "metric.added": "Hinzugefügt",
    "metric.removed": "Entfernt",
    "metric.completed": "Erledigt",
    "metric.not_completed": "Nicht erledigt",
    "metric.value": "{points} SP",
    "metric.items.one": "{n} Eintrag",
    "metric.items.other": "{n} Einträge",
    "metric.unestimated": "Ohne Schätzung: {n}",
    "metric.unestimated.help": "Einträge ohne Story Points zählen mit 0 Punkten.",
    "metric.descoped": "Davon verworfen: {points} SP",
    "sprint.burndown.title": "Burndown",
    "sprint.explain.title": "So wird das berechnet",
    "sprint.explain": (
        "- **Zugesagt**: Einträge, die beim Sprintstart im Sprint und offen waren, mit ihren "
        "Story Points zu diesem Zeitpunkt.\n"
        "- **Hinzugefügt**: Einträge, die nach dem Start in den Sprint kamen (mit ihren Punkten "
        "beim Eintritt), plus Erhöhungen von Schätzungen während des Sprints.\n"
        "- **Entfernt**: Einträge, die den Sprint vor dem Ende verlassen haben (mit ihren Punkten "
        "beim Verlassen) oder verworfen wurden, plus Senkungen von Schätzungen.\n"
        "- **Erledigt**: Einträge, die am Sprintende (Abschluss, sonst geplantes Ende) im Sprint "
        "und erledigt sind. **Nicht erledigt**: die übrigen Einträge im Sprint.\n"
        "- Es gilt stets: zugesagt + hinzugefügt − entfernt = erledigt + nicht erledigt.\n"
        "- **Außerhalb des Sprints erledigt**: Einträge, die schon beim Start oder beim Eintritt "
        "erledigt waren; sie zählen in keiner Zahl, wie in Jira.\n"
        "- Unteraufgaben zählen nicht (ihre übergeordneten Einträge tragen die Schätzung); "
        "Einträge ohne Schätzung zählen mit 0 Punkten.\n"
        "- **Burndown**: offene Story Points im Sprint; jede Änderung ist eine Stufe zu ihrem "
        "Zeitpunkt. Umfangsänderungen (hinzugefügt, entfernt, umgeschätzt) sind eigens "
        "markiert. Die Ideallinie fällt von „zugesagt“ auf null und bleibt an arbeitsfreien "
        "Tagen (grau; Wochenende, Feiertage in Rheinland-Pfalz, Team-Abwesenheit) flach."
    ),
    "sprint.scope_changes.title": "Umfangsänderungen",
    "sprint.scope_changes.none": "Keine Umfangsänderungen.",
    "sprint.at_risk.title": "Nicht erledigt (gefährdet)",
    "sprint.not_completed.title": "Nicht erledigt",
    "sprint.not_completed.none": "Alle Einträge im Sprint sind erledigt.",
    "sprint.carried.title": "Mindestens zweimal übertragen",
    "sprint.carried.none": "Kein Eintrag wurde zweimal oder öfter übertragen.",
    "sprint.outside.title": "Außerhalb des Sprints erledigt",
    "sprint.items.title": "Alle Einträge im Sprint",
    "col.when": "Zeitpunkt",
    "col.item": "Eintrag",
    "col.title": "Titel",
    "col.type": "Typ",
    "col.change": "Änderung",
    "col.delta": "SP (±)",
    "col.status_name": "Status",
    "col.points": "SP",
    "col.assignee": "Zuständig",
    "col.times": "Übertragen",
    "reason.step.added": "hinzugefügt",
    "reason.step.removed": "entfernt",
    "reason.step.estimate_up": "Schätzung erhöht",
    "reason.step.estimate_down": "Schätzung gesenkt",
    "reason.step.done": "erledigt",
    "reason.step.reopened": "wieder geöffnet",
    "reason.step.descoped": "verworfen",
    "type.story": "Story",
    "type.bug": "Fehler",
    "type.task": "Aufgabe",
    "type.epic": "Epic",
    "type.sub-task": "Unteraufgabe",
    # Charts
    "chart.sprint": "Sprint",
    "chart.points": "Story Points",
    "chart.committed": "Zugesagt",
    "chart.completed": "Erledigt",
    "chart.rolling": "Velocity (gleitend, {window} Sprints)",
    "chart.velocity_range": "Velocity {mean} SP (Spanne {low}–{high})",
    "chart.remaining": "Offene Story Points",
    "chart.guideline": "Ideallinie",
    "chart.scope_change": "Umfangsänderung",
    "chart.progress": "Fortschritt",
    "chart.non_working": "arbeitsfrei",
    "chart.day": "Tag",
    "chart.now": "heute",
    "chart.hover.series": "{series}<br>{x}: {y} SP",
    "chart.hover.step": "{item} {reason} ({delta} SP)",
    "chart.hover.remaining": "offen: {remaining} SP",
    "chart.remaining_items": "Offene Einträge",
    "sprint.unit": "Einheit",
    "sprint.unit.points": "Story Points",
    "sprint.unit.items": "Einträge",
    "sprint.burnup.title": "Burnup",
    "sprint.burnup.explain": (
        "**Gesamtumfang**: zugesagte Punkte plus hinzugefügte und Schätzungserhöhungen, minus "
        "entfernte, verworfene und Schätzungssenkungen – wie in den Sprint-Kennzahlen; "
        "**Erledigt**: Punkte der erledigten Einträge im Umfang. Werte am Ende jedes Tages."
    ),
    "chart.burnup.scope": "Gesamtumfang",
    "chart.burnup.completed": "Erledigt",
    "chart.cone.p50": "Prognose 50 %",
    "chart.cone.p85": "Prognose 85 %",
    "chart.cone.p95": "Prognose 95 %",
    "chart.cfd.todo": "Offen",
    "chart.cfd.in_progress": "In Arbeit",
    "chart.cfd.done": "Erledigt",
    "chart.axis.items": "Einträge",
    "chart.axis.days": "Tage",
    "chart.cycle.items": "Erledigte Einträge",
    "chart.cycle.hover": (
        "%{customdata[0]}: %{customdata[1]}<br>erledigt %{x|%d.%m.%Y}<br>"
        "Durchlaufzeit %{y:,.1f} Tage"
    ),
    "chart.percentile.p50": "50 %: {days} Tage",
    "chart.percentile.p85": "85 %: {days} Tage",
    "chart.percentile.p95": "95 %: {days} Tage",
    "chart.throughput.items": "Erledigte Einträge",
}

CATALOGUES: Final[Mapping[Locale, Catalogue]] = MappingProxyType({"de": MappingProxyType(_DE)})


class MissingMessage(KeyError):
    """A catalogue key that does not exist (a bug in the page, caught by the catalogue test)."""


def t(key: str, /, locale: Locale = DEFAULT_LOCALE, **params: object) -> str:
    """The text of ``key`` in ``locale``, with ``params`` filled in.

    Raises:
        MissingMessage: if the catalogue has no such key.
    """
    try:
        text = CATALOGUES[locale][key]
    except KeyError as exc:
        raise MissingMessage(f"message {key!r} is not in the {locale!r} catalogue") from exc
    return text.format(**params) if params else text


def tn(key: str, n: float, /, locale: Locale = DEFAULT_LOCALE, **params: object) -> str:
    """The singular (``key.one``) or plural (``key.other``) text for the count ``n``.

    ``n`` is filled in as ``{n}`` with German number formatting.
    """
    form = "one" if n == 1 else "other"
    return t(f"{key}.{form}", locale, n=fmt_number(n), **params)


# -- formats (German: 24.11.2026, decimal comma, thin grouping with a dot) -----------------------


def fmt_number(value: float | None, *, decimals: int = 1, trim: bool = True) -> str:
    """A number with German separators: 1234.5 → "1.234,5"; None → "–".

    With ``trim``, trailing zeros after the comma are dropped (19.0 → "19").
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return t("value.none")
    # Half up, as people round (0.625 -> "0,63"), not half-even on the binary value.
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def fmt_points(value: float | None) -> str:
    """Story points: integers without, halves with one decimal ("5", "2,5")."""
    return fmt_number(value, decimals=1)


def fmt_signed(value: float) -> str:
    """A signed number for changes: "+2", "−8" (with a real minus sign)."""
    text = fmt_number(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else text)


def fmt_ratio(value: float | None) -> str:
    """A ratio with two decimals: 0.646 → "0,65"."""
    return fmt_number(value, decimals=2, trim=False)


def fmt_percent(value: float | None) -> str:
    """A share as whole percent with German spacing: 0.5 → "50 %"."""
    if value is None:
        return t("value.none")
    return f"{fmt_number(value * 100, decimals=0)}\u00a0%"


def fmt_date(value: date | datetime | None, *, tz: ZoneInfo | None = None) -> str:
    """A date as 24.11.2026 (an aware datetime is first put into ``tz``)."""
    if value is None:
        return t("value.none")
    if isinstance(value, datetime):
        value = (value.astimezone(tz) if tz is not None else value).date()
    return value.strftime("%d.%m.%Y")


def fmt_short_date(value: date) -> str:
    """A date without the year: 24.11."""
    return value.strftime("%d.%m.")


def fmt_datetime(value: datetime, *, tz: ZoneInfo) -> str:
    """An instant in ``tz`` as 24.11.2026 13:05."""
    return value.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def fmt_age(hours: float) -> str:
    """An age: hours below two days ("5 Std."), else whole days ("3 Tagen")."""
    if hours < 48:
        return t("age.hours", n=fmt_number(hours, decimals=0))
    return t("age.days", n=fmt_number(hours // 24, decimals=0))
