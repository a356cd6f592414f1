"""What the Mainz demo portfolio is made of: programme, teams, people, sources, projects, titles.

Everything here is fictional (people, hosts, figures) but shaped like a German
city administration's digitalisation programme. Dates are given relative to
"today" so that the demo always looks current.
"""

from dataclasses import dataclass

from models.enums import Role, SourceKind

PROGRAMME_NAME = "mainzDIGITAL"
PROGRAMME_DESCRIPTION = (
    "Digitalisierungsprogramm der Landeshauptstadt Mainz: moderne Arbeitsplätze für die "
    "Verwaltung, Onlinedienste nach dem Onlinezugangsgesetz (OZG), offene Geodaten, ein "
    "neuer Internetauftritt und digitale Kompetenzen für alle Beschäftigten. "
    "Die Projekte arbeiten in zweiwöchigen Sprints und berichten hier gemeinsam."
)

# Workflow statuses of the demo trackers and their categories.
TODO = "Offen"
IN_PROGRESS = "In Arbeit"
REVIEW = "Im Review"
DONE = "Erledigt"
CANCELLED = "Verworfen"
STATUS_CATEGORIES: dict[str, str] = {
    TODO: "todo",
    IN_PROGRESS: "in_progress",
    REVIEW: "in_progress",
    DONE: "done",
    CANCELLED: "cancelled",
}

#: Story points of the demo (Fibonacci) and the WSJF scale.
POINT_SCALE: tuple[float, ...] = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0)
WSJF_SCALE: tuple[int, ...] = (1, 2, 3, 5, 8, 13, 20)


@dataclass(frozen=True)
class TeamSpec:
    """A team; ``stagger`` 1 means its sprints start in the other week than stagger 0."""

    name: str
    stagger: int
    days_off: tuple[tuple[int, int], ...] = ()  # (weeks from today, weekday) of own days off


@dataclass(frozen=True)
class PersonSpec:
    """A fictional person; ``login`` is the handle used in memberships."""

    display_name: str
    login: str


@dataclass(frozen=True)
class MembershipSpec:
    login: str
    project: str
    role: Role
    capacity_share: float


@dataclass(frozen=True)
class SourceSpec:
    """A tracker connection; ``stale_hours`` is how long its last successful sync is overdue.

    Fresh sources synced minutes before today 09:00 (a sync every 15 minutes, after
    the sprint plannings of the morning); a stale one that many hours earlier.
    """

    name: str
    kind: SourceKind
    base_url: str | None
    token_env: str | None
    stale_hours: int
    cancels: bool = False  # maps "Verworfen" to the cancelled category
    key_style: str = "jira"  # how item keys look: jira, gitlab, number
    key_base: int = 1
    last_error: str | None = None


@dataclass(frozen=True)
class ProjectSpec:
    """A project with its plan and the parameters of its simulated history."""

    key: str
    name: str
    team: str
    source: str
    remote_key: str
    sprint_key_base: int  # the tracker's id of the project's first sprint
    product_owner: str  # login
    goal: str
    tags: tuple[str, ...]
    wsjf: tuple[int, int, int, int]  # business value, time criticality, risk reduction, job size
    budget_eur: float | None
    closed_sprints: int
    future_sprints: int
    velocity: float  # points planned per sprint
    reliability: float  # chance that a committed item is finished in its sprint
    backlog_target: int  # open items not yet planned, as of today
    target_in_days: int  # target date relative to today
    epics: tuple[str, ...]
    stories: tuple[str, ...]
    bugs: tuple[str, ...]
    tasks: tuple[str, ...]
    fillers: tuple[str, ...]
    goals: tuple[str, ...]


TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("Team Arbeitsplatz", stagger=1),
    # Betriebsausflug nine weeks ago (Wednesday) and a Klausurtag in three weeks (Friday).
    TeamSpec("Team Geodaten", stagger=0, days_off=((-9, 2), (3, 4))),
    TeamSpec("Team Onlinedienste", stagger=1),
    TeamSpec("Team Web", stagger=1),
)

PEOPLE: tuple[PersonSpec, ...] = (
    PersonSpec("Dr. Katharina Weber", "k.weber"),  # Leitung Digitalisierung (CDO)
    PersonSpec("Thomas Neumann", "t.neumann"),  # Leitung Hauptamt
    PersonSpec("Sabine Hoffmann", "s.hoffmann"),  # IT-Koordination, Sprintfolio-Administration
    PersonSpec("Markus Schneider", "m.schneider"),
    PersonSpec("Julia Fischer", "j.fischer"),
    PersonSpec("Stefan Wagner", "s.wagner"),
    PersonSpec("Anna Becker", "a.becker"),
    PersonSpec("Daniel Schulz", "d.schulz"),
    PersonSpec("Laura Koch", "l.koch"),
    PersonSpec("Tobias Richter", "t.richter"),
    PersonSpec("Christina Klein", "c.klein"),
    PersonSpec("Michael Wolf", "m.wolf"),
    PersonSpec("Eva Schröder", "e.schroeder"),
    PersonSpec("Jonas Zimmermann", "j.zimmermann"),
    PersonSpec("Petra Braun", "p.braun"),
    PersonSpec("Florian Krüger", "f.krueger"),
    PersonSpec("Sarah Köhler", "s.koehler"),
    PersonSpec("Alexander Hartmann", "a.hartmann"),
    PersonSpec("Melanie Lange", "m.lange"),
    PersonSpec("Kevin Schmitt", "k.schmitt"),
    PersonSpec("Nicole Werner", "n.werner"),
    PersonSpec("Sebastian Krause", "s.krause"),
    PersonSpec("Lisa Meier", "l.meier"),
    PersonSpec("Patrick Lehmann", "p.lehmann"),
)

_V, _M, _PO, _A = Role.VIEWER, Role.MEMBER, Role.PRODUCT_OWNER, Role.ADMIN

MEMBERSHIPS: tuple[MembershipSpec, ...] = (
    # Leadership reads everything; IT coordination administers every project.
    *(MembershipSpec("k.weber", p, _V, 0.0) for p in ("ARB", "GIS", "OZG", "PDB", "WEB", "DIK")),
    *(MembershipSpec("t.neumann", p, _V, 0.0) for p in ("ARB", "OZG", "PDB", "DIK")),
    *(
        MembershipSpec("s.hoffmann", p, _A, 0.05)
        for p in ("ARB", "GIS", "OZG", "PDB", "WEB", "DIK")
    ),
    # Team Arbeitsplatz (ARB, DIK)
    MembershipSpec("m.schneider", "ARB", _PO, 0.6),
    MembershipSpec("m.schneider", "DIK", _M, 0.2),
    MembershipSpec("j.fischer", "DIK", _PO, 0.5),
    MembershipSpec("j.fischer", "ARB", _M, 0.3),
    MembershipSpec("s.wagner", "ARB", _M, 1.0),
    MembershipSpec("a.becker", "ARB", _M, 0.8),
    MembershipSpec("a.becker", "DIK", _M, 0.2),
    MembershipSpec("d.schulz", "ARB", _M, 0.7),
    MembershipSpec("d.schulz", "GIS", _M, 0.5),  # shared with Team Geodaten: 1.2, over-booked
    MembershipSpec("l.koch", "DIK", _M, 0.6),
    MembershipSpec("l.koch", "ARB", _M, 0.4),
    MembershipSpec("t.richter", "ARB", _M, 1.0),
    # Team Geodaten (GIS)
    MembershipSpec("c.klein", "GIS", _PO, 0.8),
    MembershipSpec("m.wolf", "GIS", _M, 1.0),
    MembershipSpec("e.schroeder", "GIS", _M, 0.6),
    MembershipSpec("e.schroeder", "PDB", _M, 0.4),  # shared with Team Onlinedienste
    MembershipSpec("j.zimmermann", "GIS", _M, 0.8),
    # Team Onlinedienste (OZG, PDB)
    MembershipSpec("p.braun", "OZG", _PO, 0.7),
    MembershipSpec("p.braun", "WEB", _V, 0.0),
    MembershipSpec("f.krueger", "PDB", _PO, 0.6),
    MembershipSpec("f.krueger", "OZG", _M, 0.4),
    MembershipSpec("s.koehler", "OZG", _M, 1.0),
    MembershipSpec("a.hartmann", "OZG", _M, 0.6),
    MembershipSpec("a.hartmann", "WEB", _M, 0.6),  # shared with Team Web: 1.2, over-booked
    MembershipSpec("m.lange", "OZG", _M, 0.5),
    MembershipSpec("m.lange", "PDB", _M, 0.5),
    MembershipSpec("k.schmitt", "OZG", _M, 0.8),
    MembershipSpec("k.schmitt", "PDB", _M, 0.2),
    # Team Web (WEB)
    MembershipSpec("n.werner", "WEB", _PO, 0.7),
    MembershipSpec("s.krause", "WEB", _M, 1.0),
    MembershipSpec("l.meier", "WEB", _M, 0.8),
    MembershipSpec("l.meier", "DIK", _M, 0.3),  # shared with Team Arbeitsplatz: 1.1, over-booked
    MembershipSpec("p.lehmann", "WEB", _M, 0.9),
)

_STATUS_MAP = {status: category for status, category in STATUS_CATEGORIES.items()}
_STATUS_MAP_NO_CANCEL = {s: c for s, c in STATUS_CATEGORIES.items() if c != "cancelled"}

SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        "Jira mainzDIGITAL",
        SourceKind.JIRA_CLOUD,
        "https://mainzdigital.atlassian.example",
        "SPRINTFOLIO_JIRA_TOKEN",
        stale_hours=0,
        cancels=True,
    ),
    SourceSpec(
        "GitLab Geodaten",
        SourceKind.GITLAB,
        "https://gitlab.mainz.example",
        "SPRINTFOLIO_GITLAB_TOKEN",
        stale_hours=0,
        key_style="gitlab",
    ),
    SourceSpec(
        "OpenProject Prozesse",
        SourceKind.OPENPROJECT,
        "https://openproject.mainz.example",
        "SPRINTFOLIO_OPENPROJECT_TOKEN",
        stale_hours=0,
        key_style="number",
        key_base=1201,
    ),
    SourceSpec(
        "Redmine Internetredaktion",
        SourceKind.REDMINE,
        "https://redmine.mainz.example",
        "SPRINTFOLIO_REDMINE_TOKEN",
        stale_hours=50,  # deliberately stale: the token expired two days ago
        key_style="number",
        key_base=4301,
        last_error="HTTP 401 Unauthorized: API-Schlüssel abgelaufen; neuen Schlüssel hinterlegen",
    ),
    SourceSpec(
        "Sprintfolio lokal",
        SourceKind.LOCAL,
        None,
        None,
        stale_hours=0,
    ),
)


def source_settings(spec: SourceSpec) -> dict[str, object]:
    """The JSON settings of a demo source (its status mapping and points field)."""
    settings: dict[str, object] = {
        "demo": True,
        "statuses": dict(_STATUS_MAP if spec.cancels else _STATUS_MAP_NO_CANCEL),
    }
    if spec.kind == SourceKind.JIRA_CLOUD:
        settings["points_field"] = "customfield_10016"
        settings["boards"] = {"ARB": 12, "OZG": 17}
    elif spec.kind == SourceKind.GITLAB:
        settings["points_field"] = "weight"
    elif spec.kind in (SourceKind.OPENPROJECT, SourceKind.REDMINE):
        settings["points_field"] = "story_points"
    return settings


_DEPARTMENTS = (
    "Ordnungsamt", "Bürgeramt", "Standesamt", "Stadtplanungsamt", "Grün- und Umweltamt",
    "Amt für Jugend und Familie", "Sozialamt", "Bauamt", "Kassen- und Steueramt",
    "Personalamt", "Hauptamt", "Amt für Brand- und Katastrophenschutz", "Straßenverkehrsamt",
    "Amt für Stadtentwicklung", "Kulturamt", "Schulamt", "Rechtsamt", "Vermessungsamt",
    "Amt für Wirtschaft und Liegenschaften", "Amt für Gebäudewirtschaft",
)  # fmt: skip

SUBTASKS: tuple[str, ...] = (
    "Fachliche Klärung mit dem Fachamt", "Umsetzung", "Tests schreiben", "Code-Review",
    "Dokumentation aktualisieren", "Abnahme durch das Fachamt", "Datenschutz-Check",
    "Testdaten vorbereiten", "Konfiguration auf Testsystem", "Übergabe an den Betrieb",
    "Barrierefreiheit prüfen", "Berechtigungen einrichten",
)  # fmt: skip

PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        key="ARB",
        name="Moderner Arbeitsplatz (Betriebssystem-Ablösung)",
        team="Team Arbeitsplatz",
        source="Jira mainzDIGITAL",
        remote_key="ARB",
        sprint_key_base=101,
        product_owner="m.schneider",
        goal=(
            "Alle rund 2.400 Verwaltungsarbeitsplätze laufen auf dem neuen Betriebssystem, "
            "Fachverfahren sind getestet, Postfächer migriert und Altgeräte zurückgenommen."
        ),
        tags=("Verwaltung", "IT & Kommunikation"),
        wsjf=(13, 20, 8, 13),
        budget_eur=1_850_000.0,
        closed_sprints=24,
        future_sprints=2,
        velocity=44.0,
        reliability=0.86,
        backlog_target=36,
        target_in_days=84,
        epics=(
            "Client-Image und Softwareverteilung",
            "Postfachmigration",
            "Kompatibilität der Fachverfahren",
            "Rollout Bürgerdienste",
            "Rollout Bauverwaltung",
            "Druck- und Scanlösungen",
            "Rollout Sozialverwaltung",
            "Altgeräte-Rücknahme",
            "Rollout Feuerwehr und Rettungsdienst",
        ),
        stories=(
            "Migration der Postfächer für das {x}",
            "Rollout der neuen Clients im {x}",
            "Fachverfahren im {x} auf dem neuen Client testen",
            "Arbeitsplätze im {x} inventarisieren",
            "Pilotgruppe im {x} ausstatten",
            "Druckertreiber für das {x} paketieren",
            "Gruppenrichtlinien für das {x} anpassen",
            "Netzlaufwerke im {x} auf DFS umstellen",
            "Anwenderschulung im {x} durchführen",
            "Altgeräte im {x} zurücknehmen",
            "Softwarepaket für das {x} bereitstellen",
            "Scanner-Anbindung im {x} einrichten",
            "Signaturkarten im {x} einbinden",
        ),
        bugs=(
            "Netzlaufwerk wird nach der Anmeldung im {x} nicht verbunden",
            "Drucker im {x} druckt Umlaute falsch",
            "Outlook-Profil im {x} startet nicht",
            "Fachverfahren im {x} meldet fehlende Laufzeitbibliothek",
            "Anmeldung im {x} dauert über zwei Minuten",
            "Zertifikatsfehler im VPN für das {x}",
        ),
        tasks=(
            "Termin für den Rollout im {x} abstimmen",
            "Lizenzbedarf für das {x} melden",
            "Inventarliste für das {x} abgleichen",
            "Rückmeldungen der Pilotgruppe im {x} auswerten",
        ),
        fillers=_DEPARTMENTS,
        goals=(
            "Client-Image 1.0 ist freigegeben und im Pilot installiert",
            "Postfächer der Pilotämter sind migriert",
            "Fachverfahren der Bürgerdienste laufen auf dem neuen Client",
            "Rollout im Bürgeramt abgeschlossen",
            "Softwareverteilung für alle Standardpakete automatisiert",
            "Druck- und Scanlösung im Stadthaus umgestellt",
            "Rollout in der Bauverwaltung abgeschlossen",
            "Altgeräte der ersten Welle zurückgenommen",
        ),
    ),
    ProjectSpec(
        key="GIS",
        name="Web-GIS",
        team="Team Geodaten",
        source="GitLab Geodaten",
        remote_key="geodaten/web-gis",
        sprint_key_base=21,
        product_owner="c.klein",
        goal=(
            "Ein offenes Web-GIS für Verwaltung und Öffentlichkeit mit Bebauungsplänen, "
            "Umwelt- und Mobilitätsdaten als standardkonforme Dienste (WMS/WFS, INSPIRE)."
        ),
        tags=("IT & Kommunikation", "Mobilität", "Energie & Umwelt"),
        wsjf=(8, 5, 5, 8),
        budget_eur=640_000.0,
        closed_sprints=19,
        future_sprints=1,
        velocity=32.0,
        reliability=0.9,
        backlog_target=28,
        target_in_days=168,
        epics=(
            "Kartenviewer und Basiskarten",
            "Bauleitplanung online",
            "Umweltdaten",
            "Mobilitätsdaten",
            "Offene Geodatendienste (INSPIRE)",
            "Suche und Druck",
            "Barrierefreiheit des Viewers",
        ),
        stories=(
            "Layer {x} im Web-GIS veröffentlichen",
            "WFS-Dienst für {x} bereitstellen",
            "Legende für {x} überarbeiten",
            "Metadaten für {x} nach INSPIRE erfassen",
            "Druckvorlage A3 für {x} erstellen",
            "Abfragefenster für {x} gestalten",
            "Datenaktualisierung für {x} automatisieren",
            "Layer {x} für Mobilgeräte optimieren",
        ),
        bugs=(
            "Kacheln von {x} laden im Firefox nicht",
            "Falsche Projektion bei {x} (EPSG:25832)",
            "Legende von {x} wird abgeschnitten",
            "Abfrage auf {x} liefert leere Attribute",
        ),
        tasks=(
            "Datenlieferung {x} beim Fachamt anfragen",
            "Lizenz der Daten zu {x} klären",
            "Rückmeldung zur Testversion {x} auswerten",
        ),
        fillers=(
            "Bebauungspläne",
            "Baumkataster",
            "Radwegenetz",
            "Solarpotenzialkataster",
            "Bodenrichtwerte",
            "Haltestellen",
            "Ladesäulen",
            "Lärmkarten",
            "Hochwassergefahrenkarten",
            "Spielplätze",
            "Denkmalzonen",
            "Kita-Standorte",
            "Wahlbezirke",
            "Parkhäuser",
            "Altlastenkataster",
            "Stadtteilgrenzen",
            "Luftbilder 2025",
            "Baustellen",
            "Trinkbrunnen",
            "Grünflächen",
        ),
        goals=(
            "Kartenviewer mit Basiskarte und Stadtteilgrenzen online",
            "Bebauungspläne als WMS im Viewer",
            "Umweltlayer für die Öffentlichkeit freigeschaltet",
            "Mobilitätsdaten (Radwege, Haltestellen) veröffentlicht",
            "INSPIRE-konforme Metadaten für alle Dienste",
            "Suche nach Adresse und Flurstück verfügbar",
            "Viewer erfüllt BITV 2.0 im Selbsttest",
        ),
    ),
    ProjectSpec(
        key="OZG",
        name="OZG-Onlinedienste",
        team="Team Onlinedienste",
        source="Jira mainzDIGITAL",
        remote_key="OZG",
        sprint_key_base=301,
        product_owner="p.braun",
        goal=(
            "Die 40 meistgenutzten Verwaltungsleistungen der Stadt sind vollständig online "
            "beantragbar, mit BundID, E-Payment und Anbindung an die Fachverfahren."
        ),
        tags=("Verwaltung", "Gesellschaft"),
        wsjf=(20, 13, 8, 20),
        budget_eur=2_300_000.0,
        closed_sprints=21,
        future_sprints=2,
        velocity=46.0,
        reliability=0.72,
        backlog_target=96,
        target_in_days=42,
        epics=(
            "Bürgerdienste online",
            "Ordnungsrecht online",
            "Soziales und Familie online",
            "Bauen und Umwelt online",
            "Basisdienste (BundID, ePayBL)",
            "Fachverfahrensanbindung",
            "Barrierefreiheit und Leichte Sprache",
            "Wirtschaft online",
        ),
        stories=(
            "Onlinedienst {x}: Antragsformular erstellen",
            "{x}: Anbindung an das Fachverfahren",
            "{x}: Bezahlfunktion (ePayBL) integrieren",
            "{x}: Anmeldung mit BundID anbinden",
            "{x}: Barrierefreiheit prüfen (BITV 2.0)",
            "{x}: Texte in Leichter Sprache",
            "{x}: Bescheid als PDF ins Postfach zustellen",
            "{x}: Statusabfrage für Antragstellende",
        ),
        bugs=(
            "{x}: Pflichtfeldprüfung greift nicht",
            "{x}: Zahlung bricht mit Fehler 500 ab",
            "{x}: Anhänge über 10 MB werden abgelehnt",
            "{x}: Umlaute im Bescheid fehlerhaft",
        ),
        tasks=(
            "{x}: Abstimmung mit dem Fachamt",
            "{x}: Gebührensatzung prüfen",
            "{x}: Testfälle mit dem Fachamt abstimmen",
            "{x}: Datenschutz-Folgenabschätzung",
        ),
        fillers=(
            "Anwohnerparkausweis",
            "Hundesteuer",
            "Gewerbeanmeldung",
            "Wohngeld",
            "Meldebescheinigung",
            "Sondernutzungserlaubnis",
            "Fundsachen",
            "Baumfällgenehmigung",
            "Sperrmüllanmeldung",
            "Veranstaltungsanzeige",
            "Kita-Platz-Anmeldung",
            "Aufenthaltstitel",
            "Geburtsurkunde",
            "Eheschließung",
            "Bewohnerparken",
            "Gaststättenerlaubnis",
            "Schwerbehindertenparkausweis",
            "Wohnberechtigungsschein",
            "Ummeldung",
            "Fischereischein",
        ),
        goals=(
            "Meldebescheinigung und Ummeldung online",
            "BundID-Anmeldung für alle Dienste",
            "E-Payment in allen gebührenpflichtigen Diensten",
            "Anwohnerparkausweis vollständig digital",
            "Gewerbeanmeldung mit Fachverfahrensanbindung",
            "Sozialleistungen: Wohngeld online beantragbar",
            "Bescheide werden ins Postfach zugestellt",
            "Alle Dienste bestehen den BITV-Selbsttest",
        ),
    ),
    ProjectSpec(
        key="PDB",
        name="Prozessdatenbank",
        team="Team Onlinedienste",
        source="OpenProject Prozesse",
        remote_key="prozessdatenbank",
        sprint_key_base=41,
        product_owner="f.krueger",
        goal=(
            "Eine zentrale Prozessdatenbank mit den wichtigsten Verwaltungsprozessen als BPMN, "
            "Verantwortlichkeiten und Kennzahlen als Grundlage für Digitalisierung und OZG."
        ),
        tags=("Verwaltung",),
        wsjf=(5, 3, 8, 5),
        budget_eur=280_000.0,
        closed_sprints=15,
        future_sprints=1,
        velocity=26.0,
        reliability=0.82,
        backlog_target=24,
        target_in_days=126,
        epics=(
            "Plattform und Rollenmodell",
            "Prozesserhebung Querschnitt",
            "Prozesserhebung Fachämter",
            "Schnittstellen",
            "Auswertungen und Kennzahlen",
            "Schulung der Prozessverantwortlichen",
        ),
        stories=(
            "Prozess {x} modellieren (BPMN)",
            "Prozesssteckbrief {x} erfassen",
            "Kennzahlen für {x} definieren",
            "Prozess {x} mit dem Fachamt abnehmen",
            "Soll-Prozess {x} entwerfen",
            "Digitalisierungspotenzial von {x} bewerten",
        ),
        bugs=(
            "Export von {x} als PDF fehlerhaft",
            "BPMN-Diagramm {x} lässt sich nicht speichern",
            "Suche findet {x} nicht",
        ),
        tasks=(
            "Interviewtermin zu {x} vereinbaren",
            "Prozessverantwortliche für {x} benennen",
            "Dokumente zu {x} sichten",
        ),
        fillers=(
            "Rechnungseingang",
            "Urlaubsantrag",
            "Dienstreiseantrag",
            "Posteingang",
            "Beschaffung geringwertiger Güter",
            "Aktenaussonderung",
            "Bewerbungsverfahren",
            "Ratsvorlage",
            "Widerspruchsverfahren",
            "Gebührenbescheid",
            "Vertragsverwaltung",
            "Zeiterfassung",
            "Inventarisierung",
            "Fortbildungsantrag",
            "Bußgeldverfahren",
            "Zuschussantrag Vereine",
        ),
        goals=(
            "Prozessplattform mit Rollenmodell produktiv",
            "Querschnittsprozesse der Personalverwaltung erhoben",
            "Finanzprozesse modelliert und abgenommen",
            "Schnittstelle zum OZG-Umsetzungskatalog",
            "Kennzahlen-Dashboard für Prozessverantwortliche",
        ),
    ),
    ProjectSpec(
        key="WEB",
        name="Relaunch mainz.de",
        team="Team Web",
        source="Redmine Internetredaktion",
        remote_key="relaunch-mainz-de",
        sprint_key_base=61,
        product_owner="n.werner",
        goal=(
            "Der neue Internetauftritt mainz.de ist barrierefrei, mobil nutzbar, auf dem neuen "
            "CMS und führt Bürgerinnen und Bürger in drei Klicks zur gesuchten Leistung."
        ),
        tags=("Gesellschaft", "IT & Kommunikation"),
        wsjf=(13, 8, 3, 13),
        budget_eur=950_000.0,
        closed_sprints=17,
        future_sprints=1,
        velocity=34.0,
        reliability=0.62,
        backlog_target=74,
        target_in_days=21,
        epics=(
            "Designsystem und Komponenten",
            "Seitentypen",
            "Inhaltsmigration",
            "Suche und Navigation",
            "Barrierefreiheit",
            "Redaktionsworkflow",
            "Schnittstellen (Veranstaltungen, Presse)",
        ),
        stories=(
            "Seitentyp {x} umsetzen",
            "Inhalte zu {x} migrieren",
            "Komponente {x} im Designsystem bauen",
            "{x}: Barrierefreiheit prüfen",
            "{x}: Redaktionsvorlage anlegen",
            "{x}: Weiterleitungen von der alten Seite",
            "{x}: Suchindex anpassen",
        ),
        bugs=(
            "{x}: Darstellung auf Smartphones fehlerhaft",
            "{x}: Screenreader liest Menü doppelt",
            "{x}: Bilder ohne Alternativtext",
            "{x}: Ladezeit über 4 Sekunden",
        ),
        tasks=(
            "{x}: Texte bei der Redaktion anfordern",
            "{x}: Fotorechte klären",
            "{x}: Redaktion schulen",
        ),
        fillers=(
            "Veranstaltungskalender",
            "Pressemitteilungen",
            "Dienstleistungsseite",
            "Ortsbeiratsseiten",
            "Stadtteilporträts",
            "Newsletter-Anmeldung",
            "Suchseite",
            "Bürgerservice-Übersicht",
            "Stellenangebote",
            "Bekanntmachungen",
            "Tourismus und Freizeit",
            "Wirtschaftsstandort",
            "Kontaktformular",
            "Startseite",
            "Ratsinformationen",
            "Baustellenmeldungen",
        ),
        goals=(
            "Designsystem mit Basiskomponenten steht",
            "Seitentyp Dienstleistung live auf Test",
            "Migration der Bürgerservice-Inhalte",
            "Navigation nach Lebenslagen",
            "Veranstaltungskalender angebunden",
            "Barrierefreiheit: BITV-Test bestanden",
            "Redaktionsworkflow mit Freigabe",
        ),
    ),
    ProjectSpec(
        key="DIK",
        name="Digitale Kompetenzen",
        team="Team Arbeitsplatz",
        source="Sprintfolio lokal",
        remote_key="DIK",
        sprint_key_base=1,
        product_owner="j.fischer",
        goal=(
            "Alle Beschäftigten kennen die neuen digitalen Werkzeuge; jedes Amt hat "
            "Digitallotsinnen oder Digitallotsen und ein passendes Lernangebot."
        ),
        tags=("Gesellschaft", "Verwaltung"),
        wsjf=(8, 5, 13, 5),
        budget_eur=160_000.0,
        closed_sprints=14,
        future_sprints=2,
        velocity=22.0,
        reliability=0.87,
        backlog_target=18,
        target_in_days=210,
        epics=(
            "Digitallotsen-Netzwerk",
            "Lernplattform",
            "Schulungen Arbeitsplatz",
            "Führungskräfte",
            "Informationssicherheit",
        ),
        stories=(
            "Schulungsmodul {x} erstellen",
            "Lernpfad {x} auf der Lernplattform",
            "Workshop {x} für Führungskräfte",
            "Erklärvideo {x} produzieren",
            "Selbstlernkurs {x} testen",
        ),
        bugs=(
            "Lernplattform: Kurs {x} startet nicht",
            "Teilnahmebescheinigung {x} fehlerhaft",
        ),
        tasks=(
            "Termine für {x} veröffentlichen",
            "Rückmeldebogen zu {x} auswerten",
            "Raum und Technik für {x} buchen",
        ),
        fillers=(
            "E-Akte",
            "Videokonferenzen",
            "Datenschutz im Alltag",
            "Phishing erkennen",
            "Zusammenarbeit in der Cloud",
            "KI-Grundlagen",
            "Barrierefreie Dokumente",
            "Informationssicherheit",
            "Neuer Arbeitsplatz",
            "Digitale Signatur",
            "Onlinedienste beraten",
            "Tabellenkalkulation",
        ),
        goals=(
            "Digitallotsen in allen Ämtern benannt",
            "Lernplattform mit ersten Kursen online",
            "Schulungsreihe Neuer Arbeitsplatz gestartet",
            "Führungskräfte-Workshop KI",
            "Phishing-Kampagne ausgewertet",
        ),
    ),
)
