"""The command line's texts: help for every command, option and argument, and what the
commands print (progress, summaries, table headers, notes). Command names, option names,
channel names, JSON keys and exit codes are the same in both languages."""

from __future__ import annotations

from fotopoort.messages import Text

# --- the help page's own frame (click's words) ---------------------------------------------

USAGE = Text(nl="Gebruik: ", en="Usage: ")
HEADINGS = {
    "Options": Text(nl="Opties", en="Options"),
    "Arguments": Text(nl="Argumenten", en="Arguments"),
    "Commands": Text(nl="Opdrachten", en="Commands"),
}
DEFAULT = Text(nl="standaard: ", en="default: ")
REQUIRED = Text(nl="verplicht", en="required")
HELP_OPTION = Text(nl="Toon deze hulptekst en stop.", en="Show this message and exit.")

# --- help: the app and its global options --------------------------------------------------

APP = Text(
    nl="Controleert foto's en video's van school tegen de toestemming van ouders, voordat er "
    "iets gepubliceerd wordt.\n\n"
    "Afsluitcodes: 0 gelukt (check/sort: elke foto toegestaan), 1 een foto geblokkeerd of te "
    "beoordelen (enroll: geen kind geregistreerd), 2 fout in gebruik, configuratie of invoer, "
    "3 interne fout, 75 een andere run gebruikt de database (probeer het later opnieuw), "
    "130 onderbroken.",
    en="Checks school photos against parents' consent before anything is published.\n\n"
    "Exit codes: 0 success (check/sort: every photo allowed), 1 some photo blocked or in "
    "review (enroll: no child enrolled), 2 usage, configuration or input error, 3 internal "
    "error, 75 another run is busy with the database (try again later), 130 interrupted.",
)
CONSENTS_APP = Text(nl="Het toestemmingsregister.", en="The consent register.")
REVIEW_APP = Text(nl="Foto's laten beoordelen door een mens.", en="Human review of photos.")
OPT_CONFIG = Text(
    nl="Beleidsbestand (standaard: $FOTOPOORT_CONFIG, anders ./consents.yaml).",
    en="Policy file (default: $FOTOPOORT_CONFIG, else ./consents.yaml).",
)
OPT_DEBUG = Text(nl="Toon de traceback bij fouten.", en="Show tracebacks of errors.")
OPT_WAIT = Text(
    nl="Hoe lang te wachten terwijl een andere run dezelfde database gebruikt.",
    en="How long to wait while another run uses the same database.",
)
OPT_VERSION = Text(nl="Toon de versie.", en="Show the version.")
OPT_QUIET = Text(
    nl="Toon alleen waarschuwingen, fouten en --json-documenten (voor geplande taken); de "
    "afsluitcode zegt de rest.",
    en="Print only warnings, errors and --json documents (for jobs); the exit code says the rest.",
)
OPT_LANG = Text(
    nl="Taal van de berichten: nl of en (standaard: $FOTOPOORT_LANG, anders de taal van het "
    "systeem).",
    en="Language of the messages: nl or en (default: $FOTOPOORT_LANG, else the system's locale).",
)
META_SECONDS = Text(nl="SECONDEN", en="SECONDS")
META_MINUTES = Text(nl="MINUTEN", en="MINUTES")
META_DAYS = Text(nl="DAGEN", en="DAYS")
META_DATE = Text(nl="DATUM", en="DATE")
META_FILE = Text(nl="BESTAND", en="FILE")
META_PHOTO = Text(nl="FOTO", en="PHOTO")

# --- help: shared options -------------------------------------------------------------------

OPT_BY_DEFAULT = Text(
    nl="Wie dit doet, voor het logboek (standaard: uw inlognaam).",
    en="Who does this, for the audit trail (default: your login name).",
)
OPT_BY = Text(
    nl="Wie beslist (komt in het logboek).", en="Who decides (recorded in the audit trail)."
)
OPT_NOTE = Text(nl="Waarom (komt in het logboek).", en="Why (recorded in the audit trail).")
OPT_JOBS = Text(
    nl="Aantal werkprocessen (standaard: alle processorkernen).",
    en="Worker processes (default: all cores).",
)
OPT_JSON_TABLE = Text(nl="Geef JSON in plaats van een tabel.", en="Print JSON instead of a table.")
OPT_JSON_TABLES = Text(nl="Geef JSON in plaats van tabellen.", en="Print JSON instead of tables.")
OPT_JSON_LINES = Text(nl="Geef JSON in plaats van regels.", en="Print JSON instead of lines.")
OPT_JSON_ONLY = Text(nl="Geef alleen één JSON-document.", en="Print one JSON document only.")
OPT_JSON = Text(nl="Geef JSON.", en="Print JSON.")
OPT_CSV = Text(nl="Geef CSV.", en="Print CSV.")
OPT_CHANNEL_ONE_OF = Text(nl="Een van: {channels}.", en="One of: {channels}.")
OPT_CHANNELS = Text(
    nl="Een kanaal; herhaal voor meerdere (standaard: alle).",
    en="A channel; repeat for several (default: all).",
)
OPT_CHANNEL_ONLY_DEFAULT_ALL = Text(
    nl="Alleen dit kanaal (standaard: alle).", en="Only this channel (default: all)."
)
OPT_CHANNEL_ONLY = Text(nl="Alleen dit kanaal.", en="Only this channel.")
OPT_GROUP_CHECK = Text(
    nl="Voor het kanaal stamgroep: de groep wiens ouders de foto zien. Kinderen uit andere "
    "groepen hebben dan hun toestemming voor school nodig.",
    en="For the stamgroep channel: the group whose parents see the photo. Children of other "
    "groups then need their school consent.",
)
OPT_GROUP_AS_CHECK = Text(nl="Zoals bij check, voor stamgroep.", en="As for check, for stamgroep.")
ARG_PATHS = Text(nl="Foto's of mappen (met submappen).", en="Photos or folders (recursive).")

# --- help: the commands -----------------------------------------------------------------------

INIT = Text(
    nl="Schrijf een consents.yaml-sjabloon met uitleg (overschrijft nooit een bestaand bestand).",
    en="Write a commented consents.yaml template (never overwrites an existing one).",
)
INIT_DIRECTORY = Text(nl="Waar consents.yaml komt.", en="Where to write consents.yaml.")
IMPORT = Text(
    nl="Lees een toestemmingsexport in als de nieuwe huidige momentopname (alles of niets).\n\n"
    "Van kinderen van wie de toestemming voor gezichtsherkenning is ingetrokken, of die van "
    "school zijn, worden in dezelfde stap de gezichtskenmerken gewist. Een export die ouder "
    "is dan de huidige momentopname wordt geweigerd (behalve met --older-ok), en ook een "
    "export die in één keer aan meer dan een paar kinderen toestemming teruggeeft of hen "
    "verwijdert (meer dan 20% van de school, of meer dan 10 kinderen; behalve met --yes).",
    en="Import a consent export as the new current snapshot (all or nothing).\n\n"
    "Children whose face-recognition consent is withdrawn, or who left, have their encodings "
    "deleted in the same step. An export older than the current snapshot is refused (unless "
    "--older-ok), and so is one that gives consent back to, or removes, more than a few "
    "children at once (over 20% of the school, or over 10 children; unless --yes).",
)
IMPORT_EXPORT = Text(
    nl="De toestemmingsexport (CSV of XLSX).", en="The consent export (CSV or XLSX)."
)
IMPORT_OLDER_OK = Text(
    nl="Lees een export in die ouder is dan de huidige momentopname (die kan toestemming "
    "terugbrengen die sindsdien is ingetrokken).",
    en="Import an export older than the current snapshot (it may bring back consent withdrawn "
    "since).",
)
IMPORT_YES = Text(
    nl="Lees in, ook al geeft de export veel kinderen tegelijk toestemming terug, of verwijdert "
    "hij ze.",
    en="Import although it gives consent back to, or removes, many children at once.",
)
SHOW = Text(
    nl="Toon de huidige momentopname van de toestemmingen: een rij per kind, een kolom per kanaal.",
    en="Show the current consent snapshot: one row per child, one column per channel.",
)
SHOW_CHILD = Text(nl="Alleen dit leerlingnummer.", en="Only this leerlingnummer.")
DIFF = Text(
    nl="Wat er veranderde tussen twee ingelezen exports: per kind en kanaal, gegeven of "
    "ingetrokken.",
    en="What changed between two imported exports: per child and channel, given or withdrawn.",
)
DIFF_OLD = Text(
    nl="Nummer van de momentopname (standaard: de vorige).",
    en="Snapshot number (default: the previous).",
)
DIFF_NEW = Text(
    nl="Nummer van de momentopname (standaard: de huidige).",
    en="Snapshot number (default: the current).",
)
ENROLL = Text(
    nl="Registreer kinderen voor gezichtsherkenning met referentiefoto's: alleen kinderen met "
    "toestemming daarvoor (Ja).\n\n"
    "Elke referentiefoto moet precies één gezicht tonen, groot genoeg om te herkennen. "
    "Opnieuw draaien kan veilig: foto's die al geregistreerd zijn worden aan hun inhoud "
    "herkend. Een kind waarvoor `forget` is gedraaid blijft vergeten: alleen `--child NR`, "
    "nadat een nieuwere export weer toestemming geeft, registreert het opnieuw.",
    en="Enrol children from reference photos: only those with face-recognition consent (Ja).\n\n"
    "Each reference photo must show exactly one face, large enough to identify. Re-running is "
    "safe: photos already enrolled are recognised by their content. A child `forget` was run "
    "for stays forgotten: only `--child NR`, after a newer export gives consent again, enrols "
    "it again.",
)
ENROLL_REFDIR = Text(
    nl="Een map met per leerlingnummer een map met foto's.",
    en="A folder with one folder per leerlingnummer of photos.",
)
ENROLL_CHILD = Text(
    nl="Alleen de map van dit kind; herhaal voor meerdere. Een vergeten kind wordt alleen zo "
    "opnieuw geregistreerd, nadat een nieuwere export weer toestemming geeft.",
    en="Only this child's folder; repeat for several. A forgotten child is enrolled again only "
    "this way, after a newer export gives consent again.",
)
ENROLLED = Text(
    nl="Toon de geregistreerde kinderen: aantal referentiefoto's en datum van registratie.",
    en="List enrolled children: number of reference photos and enrolment date.",
)
FORGET = Text(
    nl="Wis alle gezichtskenmerken en bewaarde resultaten van één kind.\n\n"
    "In het logboek en in beoordelingen door mensen wordt het leerlingnummer vervangen door "
    "een pseudoniem.",
    en="Delete every face encoding and cached result of one child.\n\n"
    "In the audit trail and in human reviews the child's number is replaced by a pseudonym.",
)
FORGET_CHILD = Text(nl="Het leerlingnummer van het kind.", en="The child's leerlingnummer.")
CHECK = Text(
    nl="Beslis per foto of die op KANAAL mag: toegestaan, geblokkeerd of te beoordelen.\n\n"
    "Afsluitcode 0 alleen als elke foto toegestaan is, dus `fotopoort check MAP -c website "
    "&& upload MAP` is veilig.",
    en="Decide for each photo whether it may go out on CHANNEL: allowed, blocked or review.\n\n"
    "Exit code 0 only when every photo is allowed, so `fotopoort check DIR -c website && upload "
    "DIR` is safe.",
)
SORT = Text(
    nl="Kopieer elke foto naar OUT/<kanaal>/<allowed|blocked|review>/; schrijf "
    "OUT/report.json en OUT/report.html (miniaturen met elk gezicht omkaderd; alleen door u "
    "te lezen).\n\n"
    "De originelen worden nooit veranderd. Opnieuw sorteren in dezelfde OUT verplaatst "
    "kopieën waarvan de beslissing veranderde. Afsluitcodes als bij check; met "
    "--ok-if-review geven alleen te beoordelen foto's afsluitcode 0.",
    en="Copy every photo to OUT/<channel>/<allowed|blocked|review>/; write OUT/report.json and "
    "OUT/report.html (thumbnails with every face boxed; readable by you only).\n\n"
    "Originals are never changed. Re-running into the same OUT moves copies whose decision "
    "changed. Exit codes as for check; with --ok-if-review, photos in review alone exit 0.",
)
SORT_PATH = Text(
    nl="De map die gecontroleerd wordt (met submappen).",
    en="The folder to check (recursive).",
)
SORT_OUT = Text(nl="Waar de gesorteerde kopieën komen.", en="Where to write the sorted copies.")
SORT_OK_IF_REVIEW = Text(
    nl="Afsluitcode 0 als er foto's te beoordelen zijn maar geen enkele geblokkeerd is (voor "
    "een nachtelijke taak: te beoordelen kopieën wachten in OUT/<kanaal>/review/ op een mens).",
    en="Exit 0 when photos are in review but none is blocked (for a nightly job: review copies "
    "wait in OUT/<channel>/review/ for a person).",
)
SORT_REDACT = Text(
    nl="Schrijf ook kopieën in OUT/<kanaal>/redacted/ van foto's die alleen vanwege gezichten "
    "niet toegestaan zijn: die gezichten afgedekt met een egale vlak, metadata verwijderd. "
    "Nooit vanzelf toegestaan: een mens keurt er een goed met `review approve KOPIE -c "
    "KANAAL`.",
    en="Also write OUT/<channel>/redacted/ copies of photos not allowed only because of faces: "
    "those faces covered by a solid fill, metadata stripped. Never allowed by themselves: a "
    "person confirms one with `review approve COPY -c CHANNEL`.",
)
REPORT = Text(
    nl="Controleer foto's zonder ze te kopiëren en schrijf één HTML-bestand om te bekijken.\n\n"
    "Per foto een miniatuur met elk gezicht omkaderd en benoemd, en per kanaal de beslissing "
    "met de redenen. Het bestand staat op zichzelf (geen netwerk) en is alleen door u te "
    "lezen: het toont kinderen. Afsluitcodes als bij check.",
    en="Check photos without copying them and write one HTML file to look at.\n\n"
    "Per photo a thumbnail with every face boxed and labelled, and the decision and its reasons "
    "per channel. The file is self-contained (no network) and readable by you only: it shows "
    "children. Exit codes as for check.",
)
REPORT_OUTPUT = Text(nl="Het HTML-bestand dat geschreven wordt.", en="The HTML file to write.")
RECHECK = Text(
    nl="Beslis opnieuw over elke eerder gecontroleerde foto, tegen de huidige "
    "toestemmingsexport.\n\n"
    "Toont de verwijderlijst: foto's die voor een kanaal toegestaan waren en dat niet meer "
    "zijn. Afsluitcode 1 als die lijst niet leeg is. Foto's waarvan de gezichten bekend zijn "
    "worden niet opnieuw gedecodeerd. --done FOTO en --all-gone leggen (in het logboek) vast "
    "dat foto's offline zijn gehaald, zodat ze van de lijst gaan.",
    en="Decide every photo checked before again, against the current consent export.\n\n"
    "Lists the take-down list: photos that were allowed for a channel and no longer are. Exit "
    "code 1 when that list is not empty. Photos whose faces are known are not decoded again. "
    "--done PHOTO and --all-gone record (in the audit trail) that photos were taken down, so "
    "they leave the list.",
)
RECHECK_DONE = Text(
    nl="FOTO op de verwijderlijst is overal offline gehaald (of gewist); herhaal voor meerdere.",
    en="PHOTO on the take-down list was taken down (or deleted) everywhere; repeat for several.",
)
RECHECK_ALL_GONE = Text(
    nl="Elke foto op de verwijderlijst waarvan het origineel gewist is, is overal offline "
    "gehaald (u bevestigt dat ook de kopieën weg zijn).",
    en="Every photo on the take-down list whose original is deleted was taken down everywhere "
    "(you confirm its copies are gone too).",
)
VERIFY = Text(
    nl="Bereken opnieuw de hash van elk bestand onder OUT/<kanaal>/allowed/: afsluitcode 0 "
    "alleen als elk bestand inhoud is die fotopoort voor dat kanaal toegestaan vond onder de "
    "huidige toestemmingsexport.\n\n"
    "De laatste controle voordat een uploadscript draait: `fotopoort verify OUT -c website "
    "&& upload`.",
    en="Re-hash every file under OUT/<channel>/allowed/: exit 0 only when each one is content "
    "fotopoort decided allowed for that channel under the current consent export.\n\n"
    "The last check before an upload script runs: `fotopoort verify OUT -c website && upload`.",
)
VERIFY_OUT = Text(
    nl="De map die `fotopoort sort` schreef.", en="The folder `fotopoort sort` wrote."
)
REVIEW_LIST = Text(
    nl="Foto's waarvan de laatste beslissing 'te beoordelen' is, met de gezichten waar een mens "
    "naar moet kijken.",
    en="Photos whose latest decision is review, with the faces that need a person.",
)
REVIEW_PHOTO = Text(nl="De foto (zoals eerder gecontroleerd).", en="The photo (as checked before).")
REVIEW_ASSIGN = Text(
    nl="Zeg wie een niet herkend gezicht is; de toestemmingsregels gelden dan als voor een "
    "herkend kind.",
    en="Say who an unidentified face is; the consent rules then apply as for an identified child.",
)
REVIEW_FACE = Text(
    nl="Het nummer van het gezicht, als in 'face K: ...'.",
    en="The face number, as in 'face K: ...'.",
)
REVIEW_TRACK = Text(
    nl="Voor een video: het nummer van het spoor, als in 'spoor K, 00:01:12-00:01:40: ...' "
    "(hetzelfde als --face).",
    en="For a video: the track number, as in 'track K, 00:01:12-00:01:40: ...' (the same as "
    "--face).",
)
REVIEW_CHILD = Text(nl="Wie het is.", en="Who it is.")
REVIEW_APPROVE = Text(
    nl="Bevestig dat een te beoordelen foto op KANAAL mag, ook al is een gezicht niet herkend "
    "(een volwassene bijvoorbeeld, of een gezicht dat niemand kan herkennen). Vervalt als de "
    "foto verandert, of als een toestemming van een herkend kind op de foto verandert. Een "
    "geblokkeerde foto kan niet goedgekeurd worden.\n\n"
    "FOTO mag ook een afgeschermde kopie zijn (OUT/<kanaal>/redacted/..., van sort --redact): "
    "u bevestigt dat niemand zonder toestemming erop te herkennen is (kleding, haar, "
    "omgeving). Het logboek legt de sha256 van de kopie zelf vast.",
    en="Confirm that a photo in review may go out on CHANNEL although a face is not identified "
    "(an adult, say, or a face nobody could recognise). Void when the photo changes, or when a "
    "consent of a child identified in it changes. A blocked photo cannot be approved.\n\n"
    "PHOTO may also be a redacted copy (OUT/<channel>/redacted/..., from sort --redact): you "
    "confirm that nobody without consent can be recognised in it (clothes, hair, context). The "
    "audit trail records the copy's own sha256.",
)
REVIEW_APPROVE_CHANNEL = Text(nl="Het kanaal waarop hij mag.", en="The channel it may go out on.")
REVIEW_APPROVE_GROUP = Text(nl="Zoals hij gecontroleerd is.", en="As it was checked.")
SERVE = Text(
    nl="De beoordelingspagina in de browser: zie de te beoordelen foto's met genummerde "
    "gezichten, benoem kinderen, keur goed per kanaal. Elke handeling komt in het logboek als "
    "`review assign`/`approve`.",
    en="The review page in the browser: see the photos in review with their faces numbered, "
    "name children, approve per channel. Every action is audited as `review assign`/`approve`.",
)
SERVE_PORT = Text(
    nl="De poort (standaard: een willekeurige vrije).", en="The port (default: any free one)."
)
SERVE_CHANNEL = Text(
    nl="Alleen foto's die voor dit kanaal wachten.", en="Only photos waiting for this channel."
)
SERVE_HOST = Text(
    nl="Het adres om op te luisteren; alles behalve 127.0.0.1 laat andere computers proberen "
    "de pagina te bereiken.",
    en="The address to listen on; anything but 127.0.0.1 lets other machines try to reach the "
    "page.",
)
SERVE_NO_BROWSER = Text(
    nl="Toon het adres, open geen browser.", en="Print the address, do not open a browser."
)
SERVE_IDLE = Text(nl="Stop na zo lang niet gebruikt.", en="Stop after this long unused.")
AUDIT = Text(
    nl="Het logboek: elke beslissing, automatisch of door een mens, met de redenen en de "
    "toestemmingsexport.",
    en="The audit trail: every decision, automatic or human, with its reasons and consent export.",
)
AUDIT_SINCE = Text(nl="Vanaf deze datum (JJJJ-MM-DD).", en="From this date (YYYY-MM-DD).")
AUDIT_PHOTO = Text(nl="Alleen deze foto.", en="Only this photo.")
AUDIT_CHILD = Text(nl="Alleen dit kind.", en="Only this child.")
PURGE = Text(
    nl="Wis oude gegevens die `retention` in consents.yaml niet meer bewaart.\n\n"
    "Momentopnamen van de toestemmingen die langer dan retention.snapshots_months geleden "
    "vervangen zijn (standaard 12) verliezen de namen en antwoorden van de kinderen; nummer, "
    "bestandsnaam en hash blijven, zodat een oude export die opnieuw wordt ingelezen nog "
    "herkend wordt. Logboekregels ouder dan retention.audit_years (standaard 5) worden "
    "gewist, behalve die waarop een huidige beslissing rust. Het wissen zelf komt in het "
    "logboek. Draai het vanuit de nachtelijke taak; eerst --dry-run om te zien wat er gebeurt.",
    en="Delete old data that `retention` in consents.yaml no longer keeps.\n\n"
    "Consent snapshots replaced more than retention.snapshots_months ago (default 12) lose "
    "their children's names and answers; the snapshot's number, file name and hash stay, so an "
    "old export imported again is still recognised. Audit entries older than "
    "retention.audit_years (default 5) are deleted, except those a current decision rests on. "
    "The purge itself is recorded in the audit trail. Run it from the nightly job; --dry-run "
    "first to see.",
)
PURGE_DRY_RUN = Text(
    nl="Zeg wat er gewist zou worden; wis niets.", en="Say what would be deleted; delete nothing."
)
CALIBRATE = Text(
    nl="Wat de herkenningsregel betekent voor de registraties van deze school.\n\n"
    "Per kind: hoeveel van de referentiefoto's herkend worden als er steeds één wordt "
    "weggelaten, het bereik, het dichtstbijzijnde andere geregistreerde kind, en of het als "
    "een ander kind benoemd wordt als het uit de galerij wordt gehaald (de test van het "
    "'niet geregistreerde broertje of zusje'). Daarna de paren die op elkaar lijken, oude "
    "referentiefoto's en de drempels die het aanraadt, met de onderbouwing. Verandert niets "
    "zonder --write.",
    en="What the matching rule means for this school's own enrolments.\n\n"
    "Per child: how many of its references are recognised with each one left out, its range, "
    "the nearest other enrolled child, and whether it is named as another child when it is "
    'taken out of the gallery (the "unenrolled sibling" test). Then the look-alike pairs, old '
    "references and the thresholds it recommends, with the evidence. Changes nothing unless "
    "--write is given.",
)
CALIBRATE_WRITE = Text(
    nl="Schrijf de aangeraden drempels in consents.yaml (het oude bestand blijft ernaast als "
    "reservekopie).",
    en="Write the recommended thresholds into consents.yaml (the old file is kept as a backup "
    "beside it).",
)
CALIBRATE_MAX_AGE = Text(
    nl="Referentiefoto's die langer geleden geregistreerd zijn, tellen als oud.",
    en="References enrolled longer ago than this count as old.",
)

# --- what the commands print -----------------------------------------------------------------

VERDICT = {
    "allowed": Text(nl="toegestaan", en="allowed"),
    "blocked": Text(nl="geblokkeerd", en="blocked"),
    "review": Text(nl="te beoordelen", en="review"),
}
WAITING = Text(
    nl="wachten tot een andere fotopoort-run op {database} klaar is (hooguit {seconds:.0f} s) ...",
    en="waiting for another fotopoort run on {database} to finish (at most {seconds:.0f} s) ...",
)
DATABASE_READABLE = Text(
    nl="{database} is leesbaar voor andere gebruikers, en bevat gezichtskenmerken van kinderen: "
    "doe `chmod 600` (een opdracht die schrijft doet dat)",
    en="{database} can be read by other users, and it holds children's face encodings: "
    "`chmod 600` it (a writing command does so)",
)
BY_EMPTY = Text(
    nl="--by mag niet leeg zijn: zeg wie dit doet (het komt in het logboek)",
    en="--by may not be empty: say who does this (it goes in the audit trail)",
)
JOBS_AT_LEAST_ONE = Text(nl="--jobs moet minstens 1 zijn", en="--jobs must be at least 1")
PROGRESS = {
    "enrolling": Text(nl="registreren", en="enrolling"),
    "checking": Text(nl="controleren", en="checking"),
    "sorting": Text(nl="sorteren", en="sorting"),
    "rechecking": Text(nl="opnieuw controleren", en="rechecking"),
}
PROGRESS_LINE = Text(
    nl="{what}: {done}/{total}, {elapsed} verstreken",
    en="{what}: {done}/{total}, {elapsed} elapsed",
)
PROGRESS_LEFT = Text(nl=", nog ongeveer {left}", en=", about {left} left")
PROGRESS_VIDEO = Text(nl="{name} {at} van {duration}", en="{name} {at} of {duration}")
PROGRESS_VIDEO_AT = Text(nl="{name} tot {at}", en="{name} up to {at}")
PROGRESS_LINE_VIDEO = Text(
    nl="{what}: {done}/{total}, video {video} geanalyseerd, {elapsed} verstreken",
    en="{what}: {done}/{total}, video {video} analysed, {elapsed} elapsed",
)
SECONDS = Text(nl="{n:.0f} s", en="{n:.0f} s")
MINUTES = Text(nl="{n:.0f} min", en="{n:.0f} min")

INIT_WROTE = Text(
    nl="{target} geschreven: zet de kolomnamen van uw export erin, en draai dan `fotopoort "
    "consents import EXPORT`",
    en="wrote {target}: map your export's column labels in it, then run `fotopoort consents "
    "import EXPORT`",
)
MORE_WARNINGS = Text(nl="... en nog {n} waarschuwingen", en="... and {n} more warnings")
ALREADY_CURRENT = Text(
    nl="{name}: is al de huidige momentopname (sha256 {sha}); er is niets veranderd",
    en="{name}: already the current snapshot (sha256 {sha}); nothing changed",
)
IMPORTED = Text(
    nl="{name} ingelezen: {children} kinderen, momentopname {id} (sha256 {sha}{dated})",
    en="imported {name}: {children} children, snapshot {id} (sha256 {sha}{dated})",
)
EXPORT_DATED = Text(nl=", export van {date}", en=", export dated {date}")
CHANGED = Text(nl="gewijzigd  {change}", en="changed  {change}")
CHANGED_MORE = Text(
    nl="gewijzigd  ... en nog {n}: `fotopoort consents diff` toont elke wijziging",
    en="changed  ... and {n} more: `fotopoort consents diff` lists every change",
)
ENCODINGS_DELETED = Text(
    nl="gezichtskenmerken van {child} gewist: {why}",
    en="deleted the face encodings of {child}: {why}",
)
RUN_RECHECK = Text(
    nl="draai `fotopoort recheck` voor de foto's waar dit gevolgen voor heeft",
    en="run `fotopoort recheck` for the photos this affects",
)
CHANGE = {
    "given": Text(nl="{who}: toestemming gegeven voor {channel}", en="{who}: given for {channel}"),
    "withdrawn": Text(
        nl="{who}: toestemming ingetrokken voor {channel}", en="{who}: withdrawn for {channel}"
    ),
    "biometric given": Text(
        nl="{who}: toestemming voor gezichtsherkenning gegeven", en="{who}: biometric given"
    ),
    "biometric withdrawn": Text(
        nl="{who}: toestemming voor gezichtsherkenning ingetrokken",
        en="{who}: biometric withdrawn",
    ),
    "joined": Text(nl="{who}: nieuw op school", en="{who}: joined"),
    "left": Text(nl="{who}: van school", en="{who}: left"),
}
NO_CHILD_IN_SNAPSHOT = Text(
    nl="geen kind {child!r} in de huidige momentopname",
    en="no child {child!r} in the current snapshot",
)
ANSWER_YES = Text(nl="Ja", en="Ja")
ANSWER_NO = Text(nl="nee", en="nee")
SHOW_TITLE = Text(nl="{source} (ingelezen {at})", en="{source} (imported {at})")
COL_CHILD = Text(nl="leerling", en="child")
COL_NAME = Text(nl="naam", en="name")
COL_GROUP = Text(nl="groep", en="group")
COL_BIOMETRIC = Text(nl="gezichtsherkenning", en="biometric")
COL_BIOMETRIC_SHORT = Text(nl="gez", en="bio")
NEVER_ANSWERED = Text(
    nl="? = nooit beantwoord (leeg of 'Niet ingevuld'; telt als nee): {n} kinderen van wie de "
    "ouders opnieuw gevraagd kunnen worden: {children}",
    en="? = never answered (empty or 'Niet ingevuld'; counts as no): {n} children whose parents "
    "could be asked again: {children}",
)
DIFF_HEADER = Text(
    nl="momentopname {a} ({a_source}, ingelezen {a_at}) -> momentopname {b} ({b_source}, "
    "ingelezen {b_at})",
    en="snapshot {a} ({a_source}, imported {a_at}) -> snapshot {b} ({b_source}, imported {b_at})",
)
DIFF_COUNT = Text(nl="{n} wijzigingen", en="{n} changes")

IGNORED = Text(nl="overgeslagen {entry}: {why}", en="ignored {entry}: {why}")
ENROL_SKIPPED = Text(nl="overgeslagen  {who}: {why}", en="skipped  {who}: {why}")
ENROL_PHOTO_UNUSED = Text(
    nl="         {who}: foto {name} niet gebruikt: {why}",
    en="         {who}: photo {name} not used: {why}",
)
ENROL_ENROLLED = Text(
    nl="geregistreerd {who}: {new} nieuw, {already} al geregistreerd",
    en="enrolled {who}: {new} new, {already} already enrolled",
)
ENROL_NO_USABLE = Text(
    nl="overgeslagen  {who}: geen bruikbare referentiefoto",
    en="skipped  {who}: no usable reference photo",
)
ENROL_SUMMARY = Text(
    nl="{enrolled} kinderen geregistreerd, {skipped} overgeslagen",
    en="{enrolled} children enrolled, {skipped} skipped",
)
ENROL_NONE_FOLDERS = Text(
    nl="fotopoort: geen kind geregistreerd uit {refdir}: geen van de {n} mappen gaf een "
    "geregistreerd kind (zie hierboven waarom)",
    en="fotopoort: no child enrolled from {refdir}: none of its {n} folders gave an enrolled "
    "child (see why above)",
)
ENROL_NO_FOLDERS = Text(
    nl="fotopoort: geen kind geregistreerd uit {refdir}: er staat geen map per leerlingnummer in",
    en="fotopoort: no child enrolled from {refdir}: it holds no folder per leerlingnummer",
)
NOTE_FEW = Text(
    nl="let op   {who}: {n} referentiefoto('s), te weinig om automatisch herkend te worden "
    "(de foto's gaan naar beoordeling): voeg referentiefoto's toe",
    en="note     {who}: {n} reference photo(s), too few to be recognised automatically (its "
    "photos go to review): add reference photos",
)
NOTE_LOOKALIKE = Text(
    nl="let op   {who} en {other} lijken voor het model op elkaar: gezichten zoals die van hen "
    "gaan naar beoordeling (zie `fotopoort calibrate`)",
    en="note     {who} and {other} look alike to the model: faces like theirs go to review (see "
    "`fotopoort calibrate`)",
)
NOTE_SHORT = Text(
    nl="let op   {n} van de geregistreerde kinderen hebben minder dan {recommended} "
    "referentiefoto's ({named}): met {recommended}, van verschillende dagen, worden veel meer "
    "van hun foto's herkend in plaats van beoordeeld (docs/accuracy.md)",
    en="note     {n} of the children enrolled have fewer than {recommended} reference photos "
    "({named}): with {recommended}, from different days, many more of their photos are "
    "recognised instead of going to review (docs/accuracy.md)",
)
COL_REFERENCES = Text(nl="referenties", en="references")
COL_ENROLLED = Text(nl="geregistreerd", en="enrolled")
ENROLLED_COUNT = Text(nl="{n} kinderen geregistreerd", en="{n} children enrolled")
FORGOT = Text(
    nl="{child} vergeten: {deleted} referentiekenmerken gewist; het kind wordt niet opnieuw "
    "geregistreerd tot een nieuwere toestemmingsexport toestemming voor gezichtsherkenning "
    "geeft en iemand `fotopoort enroll MAP --child {child}` draait",
    en="forgot {child}: {deleted} reference encodings deleted; the child is not enrolled again "
    "until a newer consent export gives face-recognition consent and a person runs `fotopoort "
    "enroll FOLDER --child {child}`",
)
PHOTOS_LEFT = Text(
    nl="{n} referentiefoto's staan nog op schijf; fotopoort wist nooit foto's, dat doet de "
    "school zelf:",
    en="{n} reference photos are still on disk; fotopoort never deletes photos, they are the "
    "school's to delete:",
)
PHOTOS_UNKNOWN = Text(
    nl="van referentiefoto's die geregistreerd zijn voordat fotopoort de map bewaarde, wist de "
    "school zelf wat er nog is: {children}",
    en="reference photos enrolled before fotopoort kept their folder (the school's to delete, "
    "if still there): {children}",
)

NOT_ALLOWED_FOR = Text(nl="niet toegestaan voor {channel}", en="not allowed for {channel}")
COL_PHOTO = Text(nl="foto", en="photo")
COL_DECISION = Text(nl="beslissing", en="decision")
COL_WHY = Text(nl="waarom", en="why")
COL_CHANNEL = Text(nl="kanaal", en="channel")
COL_NOW = Text(nl="nu", en="now")
COL_AT = Text(nl="tijd", en="at")
COL_ACTION = Text(nl="actie", en="action")
COL_BY = Text(nl="door", en="by")
CHECK_SUMMARY = Text(
    nl="{channel}: {n} foto's: {allowed} toegestaan, {blocked} geblokkeerd, {review} te beoordelen",
    en="{channel}: {n} photos: {allowed} allowed, {blocked} blocked, {review} review",
)
SORT_LINE = Text(
    nl="{channel:<10} {allowed:>4} toegestaan {blocked:>4} geblokkeerd {review:>4} te beoordelen",
    en="{channel:<10} {allowed:>4} allowed {blocked:>4} blocked {review:>4} review",
)
STALE_REMOVED = Text(
    nl="{n} kopieën verwijderd van foto's die niet meer in {path} staan",
    en="removed {n} copies of photos no longer in {path}",
)
REDACTED_LINE = Text(
    nl="{channel:<10} {n:>4} afgeschermd in {folder} (niet toegestaan: een mens moet het "
    "bevestigen)",
    en="{channel:<10} {n:>4} redacted in {folder} (not allowed: a person must confirm)",
)
COPIES_IN = Text(nl="kopieën en report.json in {out}", en="copies and report.json in {out}")
REPORT_AT = Text(nl="rapport: {path}", en="report: {path}")
TAKEN_DOWN = Text(
    nl="vastgelegd als offline gehaald: {path} ({channel})",
    en="recorded as taken down: {path} ({channel})",
)
TAKE_DOWN_TITLE = Text(nl="offline halen: niet meer toegestaan", en="take down: no longer allowed")
NEWLY_ALLOWED_TITLE = Text(nl="nu wel toegestaan", en="newly allowed")
RECHECK_SUMMARY = Text(
    nl="{n} beslissingen opnieuw genomen: {take_down} offline te halen, {newly} nu wel toegestaan",
    en="{n} decisions rechecked: {take_down} to take down, {newly} newly allowed",
)
VERIFY_FINDING = Text(nl="niet toegestaan: {path}: {why}", en="not allowed: {path}: {why}")
VERIFY_SUMMARY = Text(
    nl="{n} bestanden in allowed/ gecontroleerd: {bad} niet toegestaan",
    en="{n} files in allowed/ verified: {bad} not allowed",
)
IN_REVIEW_TITLE = Text(nl="te beoordelen", en="in review")
IN_REVIEW_COUNT = Text(nl="{n} beslissingen te beoordelen", en="{n} decisions in review")
REDACTED_APPROVED = Text(
    nl="{photo}: afgeschermde kopie goedgekeurd voor {channel} (sha256 {sha})",
    en="{photo}: redacted copy approved for {channel} (sha256 {sha})",
)
SERVE_OPEN_HOST = Text(
    nl="luistert op {host}: andere computers op dat netwerk kunnen de pagina bereiken (het "
    "eenmalige token beschermt hem nog wel); doe dit alleen als het moet",
    en="listening on {host}: other machines on that network can reach the page (the one-time "
    "token still guards it); use this only when you must",
)
SERVE_STOPPED = Text(nl="beoordelingspagina {why}", en="review page {why}")
JSON_OR_CSV = Text(nl="kies één van --json en --csv", en="choose one of --json and --csv")
BAD_SINCE = Text(
    nl="--since {value!r}: verwacht een datum als JJJJ-MM-DD",
    en="--since {value!r}: expected a date as YYYY-MM-DD",
)
AUDIT_COUNT = Text(nl="{n} regels", en="{n} entries")
PURGE_WOULD = Text(nl="zou wissen: {summary}", en="would delete: {summary}")
PURGE_DID = Text(nl="gewist: {summary}", en="deleted: {summary}")
PURGE_SUMMARY = Text(
    nl="{snapshots} momentopnamen van toestemmingen vervangen voor {before} (namen en "
    "antwoorden van {children} kinderen), {entries} logboekregels van voor {audit_before}",
    en="{snapshots} consent snapshots replaced before {before} ({children} children's names and "
    "answers), {entries} audit entries from before {audit_before}",
)
PURGE_SNAPSHOT = Text(
    nl="  momentopname {id} ({source}), vervangen op {replaced}",
    en="  snapshot {id} ({source}), replaced on {replaced}",
)
PURGE_NOTHING = Text(nl="er is niets gewist (--dry-run)", en="nothing was deleted (--dry-run)")
NOBODY_ENROLLED = Text(
    nl="er is nog niemand geregistreerd: draai eerst `fotopoort enroll`",
    en="nobody is enrolled yet: run `fotopoort enroll` first",
)
CALIBRATE_WROTE = Text(
    nl="{path} geschreven (reservekopie: {backup})", en="wrote {path} (backup: {backup})"
)
CALIBRATE_ALREADY = Text(
    nl="{path} bevat de aangeraden drempels al",
    en="{path} already holds the recommended thresholds",
)
CAL_TITLE = Text(nl="Geregistreerde kinderen", en="Enrolled children")
CAL_COLUMNS = (
    Text(nl="leerling", en="child"),
    Text(nl="refs", en="refs"),
    Text(nl="spreiding", en="spread"),
    Text(nl="bereik", en="range"),
    Text(nl="herkend (één weggelaten)", en="recognised (one left out)"),
    Text(nl="dichtstbijzijnde ander kind", en="nearest other child"),
    Text(nl="afstand", en="distance"),
    Text(nl="benoemd als afwezig", en="named when absent"),
    Text(nl="oudste", en="oldest"),
)
CAL_NO = Text(nl="nee", en="no")
CAL_NEVER = Text(nl="nooit (te weinig refs)", en="never (too few refs)")
CAL_NA = Text(nl="n.v.t. (te weinig refs)", en="n/a (too few refs)")
CAL_OF = Text(nl="{n} van {total}", en="{n} of {total}")
CAL_LOOKALIKE = Text(nl=" LIJKT OP", en=" LOOK-ALIKE")
CAL_OLD = Text(nl=" (oud)", en=" (old)")
CAL_PAIRS = Text(
    nl="Paren die op elkaar lijken (gezichten zoals die van hen gaan altijd naar beoordeling):",
    en="Look-alike pairs (faces like theirs always go to review):",
)
CAL_NO_PAIRS = Text(nl="Paren die op elkaar lijken: geen", en="Look-alike pairs: none")
CAL_FEW = Text(
    nl="Kinderen met minder dan {recommended} referentiefoto's: {n} van {total}",
    en="Children with fewer than {recommended} reference photos: {n} of {total}",
)
CAL_FEW_ADVICE = Text(
    nl="; geef elk kind er {recommended}, van verschillende dagen: meer van hun foto's worden "
    "herkend, geen enkele wordt losser benoemd (docs/accuracy.md)",
    en="; give each {recommended}, from different days: more of their photos are recognised, "
    "none is named more loosely (docs/accuracy.md)",
)
CAL_OLD_REFS = Text(
    nl="Referentiefoto's die meer dan {age} dagen geleden geregistreerd zijn: {children}",
    en="References enrolled more than {age} days ago: {children}",
)
CAL_NONE = Text(nl="geen", en="none")
CAL_EVIDENCE = Text(
    nl="Onderbouwing (elk kind om de beurt uit de galerij gehaald; elke herkenning van zijn "
    "referentiefoto's is dan fout):",
    en="Evidence (each child taken out of the gallery in turn; every identification of its "
    "references is wrong):",
)
CAL_EVIDENCE_LINE = Text(
    nl="  spread_factor {factor:.2f}: {wrong} fout, {recognised} van {references} weggelaten "
    "referentiefoto's herkend{mark}",
    en="  spread_factor {factor:.2f}: {wrong} wrong, {recognised} of {references} left-out "
    "references recognised{mark}",
)
CAL_RECOMMENDED_MARK = Text(nl="  <- aangeraden", en="  <- recommended")
CAL_RECOMMEND = Text(
    nl="Aangeraden: matching.spread_factor {new} (nu {now}); `fotopoort calibrate --write` "
    "stelt het in",
    en="Recommended: matching.spread_factor {new} (now {now}); `fotopoort calibrate --write` "
    "sets it",
)
CAL_KEEP = Text(
    nl="Aangeraden: houd matching.spread_factor {now}",
    en="Recommended: keep matching.spread_factor {now}",
)
