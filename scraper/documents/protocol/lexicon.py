"""The shared vocabulary of Swedish meeting documents.

Text normalisation (spaces, invisible characters, ligatures, line breaks,
wrapped lines, sentences), dates and times, the names of organs and
organisations, parties, person names, and page furniture: the running
headers, footers, page labels and e-signature artefacts that PDF extraction
leaves between the lines of a protocol.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date

UPPER = "A-ZÅÄÖÆØÜÉÈÁÍÓÚ"
LOWER = "a-zåäöæøüéèáíóúëïçñ"

# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

LINE_BREAK_CHARS = "\n\v\f\r\x1c\x1d\x1e\x85\u2028\u2029"
# Extracted PDF text marks each page break with a form feed on a line of its own.
PAGE_BREAK = "\f"
_PAGE_BREAK_LINE_RE = re.compile(r"\n\f(?=\r?\n)")
SPACE_CHARS = " \t\x1f\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_LINE_BREAKS_RE = re.compile(f"\r\n|[{LINE_BREAK_CHARS}]")
_ODD_SPACE_RE = re.compile(f"[{SPACE_CHARS[1:]}]")
SPACES_RE = re.compile(f"[{SPACE_CHARS}]+")
_LIGATURES = str.maketrans({"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl"})
_LIGATURE_CHARS = ("ﬁ", "ﬂ", "ﬀ", "ﬃ", "ﬄ")


def normalise_text(text: str) -> str:
    """NFC text without ligatures and invisible characters, its line breaks as `\\n` and other spaces as " ".

    Line breaks are what `str.splitlines` breaks at (`LINE_BREAK_CHARS`,
    "\\r\\n" as one); the other characters `str.isspace` takes for
    whitespace (`SPACE_CHARS`: tab, no-break space, the Ogham space mark,
    the typographic spaces of U+2000-U+200A, U+202F, U+205F, U+3000 ...) become
    one space each, and so does a control character. A form feed on a line of
    its own (the page break of extracted text) goes with its line, so that the
    pages join as they were extracted.
    """
    text = unicodedata.normalize("NFC", text)
    if PAGE_BREAK in text:
        text = _PAGE_BREAK_LINE_RE.sub("", text)
    if any(ligature in text for ligature in _LIGATURE_CHARS):
        text = text.translate(_LIGATURES)
    text = _INVISIBLE_RE.sub("", text)
    text = _LINE_BREAKS_RE.sub("\n", text)
    text = _ODD_SPACE_RE.sub(" ", text)
    return _CONTROL_RE.sub(" ", text)


def normalise_lines(text: str) -> list[str]:
    """Non-empty lines with whitespace collapsed and trimmed."""
    lines = []
    for raw in normalise_text(text).split("\n"):
        line = SPACES_RE.sub(" ", raw).strip()
        if line:
            lines.append(line)
    return lines


def paged_lines(text: str) -> tuple[list[str], list[str], list[int] | None]:
    """`normalise_lines` of the text, each line as printed (its spaces kept), and the 1-based page of each line.

    Pages are parted by form feeds (`PAGE_BREAK`); without one the pages are None.
    """
    pages = text.split(PAGE_BREAK)
    lines: list[str] = []
    layout: list[str] = []
    numbers: list[int] = []
    for number, page in enumerate(pages, 1):
        for raw in normalise_text(page).split("\n"):
            line = SPACES_RE.sub(" ", raw).strip()
            if line:
                lines.append(line)
                layout.append(raw.rstrip())
                numbers.append(number)
    return lines, layout, numbers if len(pages) > 1 else None


def squash(line: str) -> str:
    """Runs of whitespace as one space, none at either end (``str.split`` and ``\\s`` agree on whitespace)."""
    return " ".join(line.split())


_SUSPENDED_HYPHEN_NEXT = {"och", "eller", "samt", "respektive", "resp.", "till", "som", "både", "utan", "men"}


def join_lines(lines: Iterable[str]) -> str:
    """Join wrapped lines into one: "2024-03-" + "12" -> "2024-03-12", "Hälso-" + "och" -> "Hälso- och"."""
    return join_with_starts(lines)[0]


def join_with_starts(lines: Iterable[str]) -> tuple[str, list[int]]:
    """`join_lines` of the lines, and where each line starts in the joined text (an empty line where the next starts)."""
    parts: list[str] = []
    length = 0
    starts: list[int] = []
    for line in lines:
        line = " ".join(line.split())
        if not line:
            starts.append(length)
            continue
        if parts and ends_with_word_hyphen(parts[-1]):
            first = line.split(" ", 1)[0].lower()
            gap = " " if first in _SUSPENDED_HYPHEN_NEXT else ""
        else:
            gap = " " if parts else ""
        parts.append(gap + line)
        starts.append(length + len(gap))
        length += len(gap) + len(line)
    return "".join(parts), starts


def ends_with_word_hyphen(text: str) -> bool:
    """True when text ends with a hyphen right after a letter or digit (a word broken at the line end)."""
    return len(text) > 1 and text[-1] == "-" and text[-2].isalnum()


_ABBREVIATIONS = {
    "bl.a.", "t.ex.", "m.fl.", "m.m.", "s.k.", "d.v.s.", "dvs.", "kl.", "ca.", "nr.", "resp.", "jfr.", "enl.",
    "f.d.", "p.g.a.", "o.s.v.", "osv.",
}
_SENTENCE_BOUNDARY_RE = re.compile(r"[.!?][”\"')’]{0,3} +(?=[A-ZÅÄÖÆØÜÉ•–\-])")


def split_sentences(text: str) -> list[str]:
    """Split running text into sentences at ". " followed by a capital letter or a bullet."""
    sentences: list[str] = []
    start = 0
    for m in _SENTENCE_BOUNDARY_RE.finditer(text):
        word_start = text.rfind(" ", start, m.start()) + 1
        token = text[word_start:m.start() + 1].lower()
        if token in _ABBREVIATIONS or (m.start() - word_start == 1 and text[word_start].isupper()):
            continue
        sentence = text[start:m.end()].strip()
        if sentence:
            sentences.append(sentence)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def is_sentence_end(line: str) -> bool:
    """True when the line ends with ".", "!" or "?" (closing quotes and brackets aside)."""
    return line.rstrip("”\"')").endswith((".", "!", "?"))


FUNCTION_WORDS = {
    "och", "i", "av", "för", "till", "om", "på", "med", "mot", "från", "inom", "under", "vid", "över", "samt",
    "eller", "angående", "gällande", "avseende", "kring", "efter", "mellan", "enligt", "utan", "hos", "ur",
    "de", "den", "det", "en", "ett", "att", "som", "års", "inför", "genom", "via", "per", "samt",
}

_WORDLIKE_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzåäöæøéüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÆØÉÜ0123456789 .,:;()–-/§”\"'’%&+!?"
)


def wordlike_share(text: str) -> float:
    """Share of Swedish letters, digits, spaces and ordinary punctuation: low for binary garbage."""
    if not text:
        return 1.0
    return sum(1 for ch in text if ch in _WORDLIKE_CHARS) / len(text)


BULLET_RE = re.compile(r"^[•\-–—*·▪●○]\s*")
DOTS_RE = re.compile(r"[._…]{3,}")

# --------------------------------------------------------------------------
# Dates and times
# --------------------------------------------------------------------------

MONTHS = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6,
    "juli": 7, "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
MONTH_ALT = "|".join(MONTHS)
WEEKDAY_ALT = "måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag"

ISO_DATE_RE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
PROSE_DATE_RE = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?::[ae])?\s{{0,3}}({MONTH_ALT})\s{{1,3}}(\d{{4}})(?!\d)", re.IGNORECASE
)
_TIME_RANGE_RE = re.compile(
    r"(?<![\d:.])(\d{1,2})[:.](\d{2})\s{0,3}(?:-|–|—|till)\s{0,3}(?:kl\.?\s{0,2}|klockan\s{1,2})?(\d{1,2})[:.](\d{2})(?![\d:])"
)
_SINGLE_TIME_RE = re.compile(r"\b(?:kl\.?|klockan)\s{0,3}(\d{1,2})[:.](\d{2})(?!\d)", re.IGNORECASE)


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _first_iso_date(text: str) -> tuple[int, date] | None:
    for m in ISO_DATE_RE.finditer(text):
        found = _valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if found:
            return m.start(), found
    return None


def _first_prose_date(text: str) -> tuple[int, date] | None:
    for m in PROSE_DATE_RE.finditer(text):
        found = _valid_date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
        if found:
            return m.start(), found
    return None


def find_date(text: str | None) -> date | None:
    """The first valid date in text, ISO ("2024-03-12") or Swedish prose ("12 mars 2024", "1:a april 2024").

    An ISO date must not touch other digits ("12024-03-12" holds none) and
    must exist in the calendar ("2024-02-30" is skipped); where both forms
    occur the one printed first wins.
    """
    if not text:
        return None
    found = [hit for hit in (_first_iso_date(text), _first_prose_date(text)) if hit]
    return min(found)[1] if found else None


def find_iso_date(text: str | None) -> str | None:
    """`find_date` as an ISO string ("2024-03-12"), or None."""
    found = find_date(text)
    return found.isoformat() if found else None


def find_time(text: str) -> str | None:
    """"HH:MM-HH:MM" from the first to the last time range, or a single "kl. HH:MM"."""
    ranges = [m for m in _TIME_RANGE_RE.finditer(text) if int(m.group(1)) < 24 and int(m.group(3)) < 24]
    if ranges:
        first, last = ranges[0], ranges[-1]
        return f"{int(first.group(1)):02d}:{first.group(2)}-{int(last.group(3)):02d}:{last.group(4)}"
    single = _SINGLE_TIME_RE.search(text)
    if single and int(single.group(1)) < 24:
        return f"{int(single.group(1)):02d}:{single.group(2)}"
    return None


# --------------------------------------------------------------------------
# Organs (styrelse, nämnd, fullmäktige ...) and organisations
# --------------------------------------------------------------------------

ORGAN_WORDS = (
    "styrelsen", "styrelse", "fullmäktige", "nämnden", "nämnd", "utskottet", "utskott", "beredningen",
    "direktionen", "rådet", "presidiet", "delegationen", "kommittén",
)
ORGAN_SUFFIX = "(?:" + "|".join(ORGAN_WORDS) + ")"
# An organ named at the start of a sentence: "Regionstyrelsen", "Barn- och utbildningsnämnden", "Nämnden".
ORGAN_AT_START = (
    rf"(?:[{UPPER}][\w\-]{{0,40}}(?:\s+(?:och\s+)?[\w\-]{{1,40}}){{0,5}}?{ORGAN_SUFFIX}"
    rf"|(?:{'|'.join(word.capitalize() for word in ORGAN_WORDS)}))"
)
# An organ named inside a sentence: "regionstyrelsen", "nämnden", "barn- och utbildningsnämnden".
ORGAN_IN_TEXT = rf"(?:[\w\-]{{1,40}}\s+(?:och\s+)?)?[\w\-]{{0,40}}?{ORGAN_SUFFIX}"
# Whoever a decision may follow the proposal of: an organ, the chair, the presidium, an office or its head.
PROPOSER_WORDS = (
    *ORGAN_WORDS, "ordföranden", "förvaltningen", "kontoret", "direktören", "chefen", "majoriteten", "revisorerna",
)
PROPOSER_GENITIVE = (
    rf"(?P<proposer>(?:[\w\-]{{1,40}}\s+(?:och\s+)?)?[\w\-]{{0,40}}?(?:{'|'.join(PROPOSER_WORDS)}))s"
    rf"|(?P<abbreviation>[{UPPER}]{{2,6}}):s"
)
DECISION_VERBS = (
    r"beslutar|beslöt|beslutade|beslutat|föreslår|föreslog|tillstyrker|godkänner|godkände|fastställer|antar|"
    r"noterar|lägger|uppdrar|ger\s+\w+\s+i\s+uppdrag|återremitterar|avslår|bifaller"
)
# A sentence that opens with the organ and its decision: "Kommunstyrelsen beslutar ...", "Nu har nämnden beslutat ...".
DECISION_START_RE = re.compile(
    rf"^(?:Nu\s+har\s+)?{ORGAN_AT_START}s?\s+(?P<har>har\s+)?(?P<verb>{DECISION_VERBS})\b"
)
_ORGAN_LINE_RE = re.compile(
    rf"^[{UPPER}][\w\-]{{0,40}}(?:\s+(?:och\s+)?[\w\-]{{1,40}}){{0,5}}?{ORGAN_SUFFIX}$"
)
_ORG_LINE_RE = re.compile(
    r"^(?:Region\s+[\w\-]+(?:\s+[\w\-]+)?(?:\s+län)?|[\w\-]+(?:\s+[\w\-]+)?\s+(?:kommun|stad)|"
    r"[\w\-]+\s+läns\s+landsting|[\w\-]*regionen)$",
    re.IGNORECASE,
)
ORG_MENTION_RE = re.compile(
    rf"\b(?:Region\s+[{UPPER}][{LOWER}]+(?:[ \-][{UPPER}][{LOWER}]+)?(?:\s+län)?"
    rf"|[{UPPER}][{LOWER}]+(?:[ \-][{UPPER}][{LOWER}]+)?\s+kommun"
    rf"|[{UPPER}][{LOWER}]+s\s+[Ss]tad"
    rf"|[{UPPER}][{LOWER}]+\s+läns\s+landsting"
    rf"|Västra\s+Götalandsregionen)\b"
)
ORG_STOPWORDS = {
    "varje", "denna", "den", "en", "vilken", "annan", "samma", "hela", "egen", "sin", "vår", "er",
    "min", "respektive", "berörd", "alla", "övriga", "aktuell", "vald", "någon", "ingen", "vilket",
    "hemkommun", "enskild", "annans", "ny", "nya", "per", "i", "och", "varav", "samtliga", "om",
}


def is_organ_line(line: str) -> bool:
    """True when the whole line is the name of an organ ("Regionstyrelsen", "Barn- och utbildningsnämnden")."""
    return len(line) <= 80 and bool(_ORGAN_LINE_RE.match(line))


def is_org_line(line: str) -> bool:
    """True when the whole line is the name of an organisation ("Region Norrbotten", "Umeå kommun")."""
    return len(line) <= 60 and bool(_ORG_LINE_RE.match(line)) and line.split()[0].lower() not in ORG_STOPWORDS


def genitive_to_base(word: str) -> str:
    """"Regionstyrelsens" -> "Regionstyrelsen"."""
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


def capitalise(text: str) -> str:
    """The text with its first character in upper case."""
    return text[:1].upper() + text[1:]


def organ_name(text: str) -> str | None:
    """The organ named by the whole text, capitalised ("REGIONSTYRELSEN" -> "Regionstyrelsen"), or None."""
    text = text.strip()
    if is_organ_line(text):
        if text.isupper():
            text = text.capitalize()
        return capitalise(text)
    if text.isupper() and is_organ_line(text.capitalize()):
        return text.capitalize()
    return None


def org_name(text: str) -> str | None:
    """The organisation named by the whole text ("REGION NORRBOTTEN" -> "Region Norrbotten"), or None."""
    text = text.strip()
    if not is_org_line(text):
        return None
    if text.isupper():
        words = text.title().split()
        text = " ".join(w if w.lower() not in ("kommun", "stad", "läns", "landsting", "län") else w.lower() for w in words)
    return text


# --------------------------------------------------------------------------
# Parties
# --------------------------------------------------------------------------

_PARTY_RE = re.compile(rf"^(?:[{UPPER}]{{1,6}}|[{UPPER}][{LOWER}{UPPER}]{{1,9}}|-|–)$")
_LOWER_PARTY_RE = re.compile(rf"^[{LOWER}]{{1,4}}$")
PARTY_NAMES = {
    "socialdemokraterna": "S", "moderaterna": "M", "sverigedemokraterna": "SD",
    "centerpartiet": "C", "vänsterpartiet": "V", "kristdemokraterna": "KD",
    "liberalerna": "L", "miljöpartiet": "MP", "folkpartiet": "FP",
    "sjukvårdspartiet": "SJVP",
}
KNOWN_PARTIES = frozenset({
    "S", "M", "SD", "C", "V", "KD", "L", "MP", "FP", "SJVP", "NS", "ÖP", "SPI", "KV", "SVP", "AP", "ÅP", "FI",
    "PP", "MED", "NYD", "DLP", "SKP", "VÄG", "LPO", "KP",
})
PARTY_ABBREVIATION_RE = re.compile(
    rf"\b(?:från|för)\s+\(?([{UPPER}]{{1,5}})\)?(?=[\s,.]|$)|\(([{UPPER}{LOWER}]{{1,5}})\)|\b([{UPPER}]{{1,5}}):s\b"
)


def clean_party(raw: str | None) -> str | None:
    """The party named between a name's parentheses, in upper case, or None when the text is no party.

    Printed abbreviations come in any case ("(s)", "(Kd)", "(mp)", "(SD)",
    "(Sjvp)"); all become upper case ("S", "KD", "MP", "SD", "SJVP"). A
    lower-case abbreviation counts only when it is a known party, so "(se)"
    is none. Historical names are kept: "(fp)" is "FP", not "L", since
    which party a member of the 2000s belongs to now is not the protocol's
    to say. A dash ("-") stands for a member outside any party.
    """
    if raw is None:
        return None
    raw = raw.strip()
    if _PARTY_RE.match(raw):
        return raw.upper()
    if _LOWER_PARTY_RE.match(raw) and raw.upper() in KNOWN_PARTIES:
        return raw.upper()
    return None


# --------------------------------------------------------------------------
# Numbers written as words (vote counts: "åtta ja-röster mot sju nej-röster")
# --------------------------------------------------------------------------

NUMBER_WORDS = {
    "noll": 0, "en": 1, "ett": 1, "två": 2, "tre": 3, "fyra": 4, "fem": 5, "sex": 6, "sju": 7, "åtta": 8, "nio": 9,
    "tio": 10, "elva": 11, "tolv": 12, "tretton": 13, "fjorton": 14, "femton": 15, "sexton": 16, "sjutton": 17,
    "arton": 18, "aderton": 18, "nitton": 19, "tjugo": 20,
}

# --------------------------------------------------------------------------
# Person names
# --------------------------------------------------------------------------

NAME_WORD = rf"[{UPPER}][{LOWER}'’]{{1,30}}(?:-[{UPPER}{LOWER}][{LOWER}'’]{{1,30}}){{0,2}}"
_NAME_PARTICLE = r"(?:af|von|van|de|der|den|la|du|di|da|el|al|bin)"
PERSON_RE = re.compile(
    rf"(?P<name>{NAME_WORD}(?:\s{{1,2}}(?:{_NAME_PARTICLE}\s{{1,2}})?(?:{NAME_WORD}|[{UPPER}]\.)){{0,4}})"
    rf"(?:\s{{0,2}}\((?P<party>[^()\d\n]{{1,15}})\))?"
)
NAME_WORD_RE = re.compile(NAME_WORD)
INITIAL_RE = re.compile(rf"[{UPPER}]\.")
PARTICLES = ("af", "von", "van", "de", "der", "la", "du", "di", "da")
NAME_STOPWORDS = {
    "ordförande", "ordföranden", "ordförandes", "vice", "ledamot", "ledamoten", "ledamöterna", "ersättare",
    "ersättaren", "ersättarna", "sekreterare", "sekreteraren", "justerare", "kommunalråd", "kommunalrådet",
    "regionråd", "regionrådet", "oppositionsråd", "oppositionsrådet", "även", "dessutom", "sedan", "därefter",
    "mot", "under", "beslutet", "och", "samt", "förste", "andre", "tredje", "gruppledare", "gruppledaren",
    "partiet", "ledamöter", "samtliga", "ordf", "nu", "här", "då", "vidare", "slutligen", "efter", "med",
    "enligt", "jag", "vi", "de", "den", "det", "som", "alla", "fullmäktige", "styrelsen", "nämnden",
    "regionstyrelsen", "kommunstyrelsen", "regionfullmäktige", "kommunfullmäktige", "yrkande", "yrkanden",
    "reservation", "förslag", "proposition", "beslutsgång", "motion", "motionen", "motionären", "i",
}
OFFICIAL_TITLE_SUFFIXES = (
    "chef", "direktör", "sekreterare", "handläggare", "strateg", "ekonom", "jurist", "ansvarig", "samordnare",
    "utvecklare", "controller", "revisor", "notarie", "assistent", "specialist", "tekniker", "inspektör", "läkare",
    "sköterska", "expert", "ingenjör", "arkitekt", "administratör", "registrator", "kommunikatör", "planerare",
    "rektor", "tjänsteman", "tjänsteperson", "stabschef", "analytiker", "konsult", "biträde",
)
TITLE_SUFFIXES = (
    "chef", "direktör", "sekreterare", "råd", "rådet", "handläggare", "strateg", "ekonom", "jurist", "ansvarig",
    "ledare", "samordnare", "utvecklare", "controller", "revisor", "ordförande", "ledamot", "ersättare",
    "notarie", "assistent", "specialist", "tekniker", "inspektör", "läkare", "sköterska", "ombud", "expert",
)



class Role:
    """The roles of the people in a protocol's attendance (`Attendee.role`): one vocabulary.

    ordförande, 1:e / 2:e / 3:e vice ordförande, vice ordförande
        The chair and vice chairs of the meeting (members who decide).
    ledamot
        A member who takes part in the decisions.
    tjänstgörande ersättare
        A substitute serving in a member's place (`Attendee.replaces` names
        whom, where printed).
    ersättare
        A substitute present who does not serve.
    övrig närvarande
        An elected representative present without a vote here (the council's
        chair, a political secretary, a member of another body).
    tjänsteperson
        An official: listed under "Övriga närvarande", "Tjänstepersoner" or
        "Tjänstemän" without a party, or with an official's title
        (regiondirektör, kommundirektör, ekonomichef ...) and no party.
    föredragande
        Someone who only presented a matter or information: listed under
        "Föredragande", or noted "föredragande", "föredrar ärendet",
        "närvarande under § 12 för information".
    sekreterare
        The meeting's secretary (kommunsekreterare, nämndsekreterare ...).
    justerare
        Someone named only to adjust the protocol.
    """

    CHAIR = "ordförande"
    VICE_CHAIR = "vice ordförande"
    MEMBER = "ledamot"
    SERVING_SUBSTITUTE = "tjänstgörande ersättare"
    SUBSTITUTE = "ersättare"
    OTHER_PRESENT = "övrig närvarande"
    OFFICIAL = "tjänsteperson"
    PRESENTER = "föredragande"
    SECRETARY = "sekreterare"
    ADJUSTER = "justerare"


# Where a protocol names no one and refers to an attendance list printed elsewhere.
ATTENDANCE_REFERENCE_RE = re.compile(
    r"närvarolist\w*|närvaroförteckning\w*|enligt\s+(?:bifogad\s+)?(?:bilaga|förteckning)\b[^.]{0,40}"
    r"|se\s+bilaga\b[^.]{0,30}|se\s+protokollets\s+framsida|bifogad\s+förteckning",
    re.IGNORECASE,
)


def is_official_title(title: str | None) -> bool:
    """True when a title is an official's ("regiondirektör", "ekonomichef", "nämndsekreterare")."""
    if not title:
        return False
    words = title.lower().replace(",", " ").split()
    return bool(words) and words[-1].endswith(OFFICIAL_TITLE_SUFFIXES) and "politisk" not in words


# --------------------------------------------------------------------------
# Page furniture
# --------------------------------------------------------------------------
# The words of running headers, footers and signature boxes are shared; the
# two matchers built from them differ in how much of a line they ask for.
# `is_furniture` (text extraction) takes a line made of nothing but these
# tokens. `strip_page_furniture` (the protocol parser) also takes a line where
# the tokens stand next to the organ's or the organisation's name and dates.

MEETING_DATE_WORD = "Sammanträdesdatum"
EXTRACT_CERTIFIED = "Utdragsbestyrkande"
E_SIGNED = r"Elektroniskt\s+signerat"
SIGNERS = ("Justerandes", "Justerares", "Ordförandes", "Sekreterarens")
E_SIGN_ATTRIBUTES = ("VISMA_SIGN", "SAML_TransactionId")
UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
DATE_LINE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FURNITURE_TOKENS = (
    r"\b(?:Sida|SIDA|Page)\b(?:\s*\d+\s*(?:\(\s*\d+\s*\)|(?:av|of)\s+\d+))?",
    r"(?<![\w(])\d+\s*\(\s*\d+\s*\)(?!\w)",
    r"\b(?:SAMMANTRÄDES)?PROTOKOLL(?:SUTDRAG)?\b",
    rf"\b{MEETING_DATE_WORD}\b:?(?:\s*\d{{4}}-\d{{2}}-\d{{2}})?",
    rf"(?i:\b{E_SIGNED}\b)",
    rf"(?i:\b{EXTRACT_CERTIFIED}\b)",
    rf"(?i:\b(?:{'|'.join(SIGNERS)})\s+sign(?:atur)?\b\.?)",
    *(rf"\w*{attribute}\w*" for attribute in E_SIGN_ATTRIBUTES),
    r"(?i:\btransa[ck]tion(?:s?-?id)?\b:?\s*[0-9a-f][0-9a-f-]{9,})",
    rf"\b{UUID}\b",
    r"\b[0-9A-F]{24,}\b",
)
_FURNITURE_LINE_RE = re.compile(r"(?:\W*+(?:%s))+\W*+" % "|".join(FURNITURE_TOKENS))
_SIGNED_BY_RE = re.compile(r"^(?:Signerat|Signerad|Signed)\s+(?:av|by)\b", re.IGNORECASE)
PAGE_LABEL_RE = re.compile(r"\b(?:Sida|Page)\s*\d+\s*(?:\(\s*\d+\s*\)|(?:av|of)\s+\d+)")
PAGE_NUMBER_LINE_RE = re.compile(r"^(?:(?:Sida|Page)\s++)?[-–]?\s*+(\d{1,4})\s*(?:[-–]|/\s*\d{1,4})?$")
MEETING_DATE_LABEL_RE = re.compile(rf"^{MEETING_DATE_WORD}:?$")


def is_furniture(line: str) -> bool:
    """True when a line is nothing but page furniture ("Sida 3(12)", "PROTOKOLL", signature boxes ...)."""
    line = squash(line)
    if not line:
        return False
    if _SIGNED_BY_RE.match(line):
        return True
    return _FURNITURE_LINE_RE.fullmatch(line) is not None


STRONG_TOKEN_RE = re.compile(
    rf"SAMMANTRÄDESPROTOKOLL|Sammanträdesprotokoll|PROTOKOLLSUTDRAG|PROTOKOLL|{MEETING_DATE_WORD}"
    rf"|{EXTRACT_CERTIFIED}|{E_SIGNED}|(?:{'|'.join(SIGNERS)}|Justerande)\s+sign(?:atur|\.)?"
    r"|Ordf\.?\s+sign\.?|Just\.?\s+sign\.?"
    r"|Justerandes\s+initialer|Sida\s{0,2}\d{1,4}\s{0,2}(?:\(\s{0,2}\d{1,4}\s{0,2}\)|(?:av|/)\s{0,2}\d{1,4})?"
    r"|\bSida\b|\bSid\.?\s{0,2}\d{1,4}|(?<![\w(])\d{1,4}\s{0,2}\(\s{0,2}\d{1,4}\s{0,2}\)(?!\w)"
)
_ESIGN_MARKERS = (*E_SIGN_ATTRIBUTES, "_ATTRIBUTE_", "SAML_", "TransactionId")
_ESIGN_RE = re.compile(
    r"^Signerat\s+av\b|^Signerad\s+av\b|^Signed\s+by\b"
    r"|^Signerat\s+\d{4}-\d{2}-\d{2}|^(?:Transaktion|Transaction)(?:s-?id|\s+ID)?\s{0,2}[:#]?\s{0,2}[\w\-]{6,}$"
    r"|^(?:Dokument|Document)[- ]?(?:ID|id)\s{0,2}[:#]?\s{0,2}[\w\-]{6,}$"
    rf"|^{UUID}$"
    r"|^Dokumentet\s+(?:är|har\s+blivit)\s+(?:elektroniskt\s+)?signerat"
    r"|^Verifikat\s+[\w\-]{6,}$|^Signerat\s+med\s+(?:BankID|Freja)",
)
_PAGE_ONLY_RE = re.compile(r"^(?:Sida\s{0,2})?\d{1,4}\s{0,2}(?:\(\s{0,2}\d{1,4}\s{0,2}\)|(?:av|/)\s{0,2}\d{1,4})$")
_FURNITURE_HINTS = ("PROTOKOLL", "rotokoll", "datum", "Utdrag", "sign", "Sign", "Sid", "(", "initialer")
_WEAK_WORDS = ("Sida", MEETING_DATE_WORD)


def _is_header_furniture(line: str) -> bool:
    if any(marker in line for marker in _ESIGN_MARKERS) or _ESIGN_RE.match(line) or _PAGE_ONLY_RE.match(line):
        return True
    if len(line) > 160 or not any(hint in line for hint in _FURNITURE_HINTS):
        return False
    rest, count = STRONG_TOKEN_RE.subn(" ", line)
    if count == 0:
        return False
    rest = DOTS_RE.sub(" ", ISO_DATE_RE.sub(" ", rest))
    rest = SPACES_RE.sub(" ", rest).strip(" -–|,:;/()")
    if not rest:
        return True
    return len(rest.split()) <= 7 and (is_organ_line(rest) or is_org_line(rest))


def _is_weak_furniture(line: str) -> bool:
    return bool(DATE_LINE_RE.match(line)) or line in _WEAK_WORDS or is_organ_line(line) or is_org_line(line)


def strip_page_furniture(lines: Sequence[str]) -> tuple[list[str], list[str]]:
    """Remove running headers, footers and signature artefacts.

    Returns the kept lines and the removed ones (in order), the latter being a
    useful source of committee name and meeting date when the cover is missing.
    """
    remove = furniture_mask(lines)
    kept = [line for line, r in zip(lines, remove) if not r]
    removed = [line for line, r in zip(lines, remove) if r]
    return kept, removed


def furniture_mask(lines: Sequence[str]) -> list[bool]:
    """For each line: is it page furniture (`strip_page_furniture` removes those)?"""
    remove = [False] * len(lines)
    for i, line in enumerate(lines):
        if not _is_header_furniture(line):
            continue
        remove[i] = True
        seen: set[str] = set()
        organs = 0
        j = i - 1
        while j >= 0 and i - j <= 2 and not remove[j] and _is_weak_furniture(lines[j]) and lines[j] not in seen:
            if is_organ_line(lines[j]):
                organs += 1
                if organs > 1:
                    break
            seen.add(lines[j])
            remove[j] = True
            j -= 1
        k = i + 1
        while k < len(lines) and k - i <= 3 and (DATE_LINE_RE.match(lines[k]) or lines[k] in _WEAK_WORDS):
            remove[k] = True
            k += 1
    return remove
