"""People in a protocol: names with parties in running text, reservations, proposals (yrkanden) and attendance entries."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .lexicon import (
    BULLET_RE,
    INITIAL_RE,
    KNOWN_PARTIES,
    LOWER,
    NAME_STOPWORDS,
    NAME_WORD_RE,
    PARTICLES,
    PARTY_ABBREVIATION_RE,
    PARTY_NAMES,
    PERSON_RE,
    SPACES_RE,
    TITLE_SUFFIXES,
    UPPER,
    Role,
    capitalise,
    clean_party,
    is_official_title,
    split_sentences,
)
from .model import Attendee, Proposal, Recusal, Reservation


# --------------------------------------------------------------------------
# People in running text
# --------------------------------------------------------------------------

@dataclass
class _Person:
    name: str | None
    party: str | None
    start: int
    end: int


def _clean_name(raw: str) -> str | None:
    words = raw.split()
    while words and (words[0].lower().rstrip(".,:") in NAME_STOPWORDS or words[0].lower().endswith(TITLE_SUFFIXES)):
        words.pop(0)
    if len(words) < 2 or len(words) > 5:
        return None
    return " ".join(words)


def find_people(text: str) -> list[_Person]:
    """Names with an optional "(Party)" in running text; a party shared by a list is spread to it."""
    people: list[_Person] = []
    for m in PERSON_RE.finditer(text):
        party = clean_party(m.group("party"))
        if m.group("party") and party is None:
            continue
        name = _clean_name(m.group("name"))
        if name is None:
            if party and m.group("name").lower() in PARTY_NAMES:
                people.append(_Person(None, party, m.start(), m.end()))
            continue
        people.append(_Person(name, party, m.start(), m.end()))
    for i in range(len(people) - 2, -1, -1):
        here, nxt = people[i], people[i + 1]
        if here.party is None and nxt.party is not None:
            between = text[here.end:nxt.start].strip()
            if between in (",", "och", "samt", "&", ", och"):
                here.party = nxt.party
    return [p for p in people if p.party is not None or p.name is not None]


def _connected_people(text: str, people: list[_Person], at_start: bool) -> list[_Person]:
    """The people forming one list (joined by commas / och) at the end or the start of text."""
    if not people:
        return []
    if at_start:
        group = [people[0]]
        if text[: people[0].start].strip():
            return []
        for p in people[1:]:
            between = text[group[-1].end:p.start].strip()
            if between not in (",", "och", "samt", "&", ", och", ", samt"):
                break
            group.append(p)
        return group
    group = [people[-1]]
    for p in reversed(people[:-1]):
        between = text[p.end:group[-1].start].strip()
        if between not in (",", "och", "samt", "&", ", och", ", samt"):
            break
        group.append(p)
    group.reverse()
    return group


def _parties_without_names(text: str) -> list[str]:
    """Parties named without a person: "Ledamöterna från SD", "(M)-gruppen", "Moderaterna", "V:s ledamöter"."""
    parties: list[str] = []
    for m in PARTY_ABBREVIATION_RE.finditer(text):
        party = next(g for g in m.groups() if g).upper()
        if party in KNOWN_PARTIES and party not in parties:
            parties.append(party)
    for word in re.findall(rf"[{UPPER}][{LOWER}]+", text):
        key = word.lower()
        party = PARTY_NAMES.get(key) or (PARTY_NAMES.get(key[:-1]) if key.endswith("s") else None)
        if party and party not in parties:
            parties.append(party)
    return parties


# --------------------------------------------------------------------------
# Reservations and proposals
# --------------------------------------------------------------------------

_RESERVATION_VERB_RE = re.compile(
    r"\b(?:reserverar\s+sig|reserverade\s+sig|reserverar\s+oss"
    r"|(?:lämnar|anmäler|inlämnar|inkommer\s+med|lämnade|anmälde)\s+(?:en\s+)?(?:skriftlig\s+)?reservation)\b",
    re.IGNORECASE,
)
_PROPOSAL_VERB_RE = re.compile(
    r"\b(?:föreslår|föreslog|yrkar|yrkade|instämmer(?:\s+i)?|tillstyrker|lämnar\s+(?:ett\s+)?(?:ändrings|tilläggs)?yrkande)\b"
)
_PROPOSAL_HINTS = ("föresl", "yrka", "instämmer", "tillstyrker")
_INSTAMMANDE_RE = re.compile(r"med\s+instämmande\s+(?:av|från)\s+", re.IGNORECASE)


def reservations_from_text(text: str, past_tense_ok: bool) -> list[Reservation]:
    result: list[Reservation] = []
    if "eserv" not in text or not _RESERVATION_VERB_RE.search(text):
        return result
    for sentence in split_sentences(text):
        m = _RESERVATION_VERB_RE.search(sentence)
        if not m:
            continue
        if not past_tense_ok and "reserverade" in m.group(0).lower():
            continue
        before, after = sentence[: m.start()], sentence[m.end():]
        group = _connected_people(before, find_people(before), at_start=False)
        if not group:
            group = _connected_people(after.lstrip(), find_people(after.lstrip()), at_start=True)
        if group:
            result.extend(Reservation(p.name, p.party) for p in group)
            continue
        parties = _parties_without_names(before) or _parties_without_names(after)
        result.extend(Reservation(None, party) for party in parties)
    return result


_STANCE_KEYS = [
    ("avslag", re.compile(r"avslag|avslå")),
    ("bifall", re.compile(r"bifall|bifalla|tillstyrk")),
    ("återremiss", re.compile(r"återremi")),
    ("bordläggning", re.compile(r"bordlägg")),
    ("ändringsyrkande", re.compile(r"ändring")),
    ("tilläggsyrkande", re.compile(r"tillägg")),
    ("ajournering", re.compile(r"ajourn")),
]
_DECISION_POINT_RE = re.compile(r"beslutspunkt(?:en)?\s+(\d+)|punkt\s+(\d+)")


def _stance(after: str, verb: str, earlier: Sequence[Proposal]) -> str:
    """What a proposer wants: bifall, avslag, återremiss, ändrings-/tilläggsyrkande, or the proposal's own words."""
    low = after.lower()
    if verb.startswith("instämmer"):
        for p in reversed(earlier):
            if p.name and p.name.split()[-1].lower() in low:
                return p.stance
        return "bifall"
    if verb == "tillstyrker":
        return "bifall"
    if "ändringsyrkande" in verb:
        stance = "ändringsyrkande"
    elif "tilläggsyrkande" in verb:
        stance = "tilläggsyrkande"
    elif "yrkande" in verb:
        stance = "eget yrkande"
    else:
        found = [(m.start(), name) for name, pattern in _STANCE_KEYS if (m := pattern.search(low))]
        if not found:
            described = after.strip(" .:")
            return described[:160] if described else "eget yrkande"
        stance = min(found)[1]
    if stance == "ändringsyrkande":
        point = _DECISION_POINT_RE.search(low)
        if point:
            return f"ändringsyrkande (ny lydelse av beslutspunkt {point.group(1) or point.group(2)})"
    return stance


def proposals_from_text(text: str) -> list[Proposal]:
    proposals: list[Proposal] = []
    if not any(hint in text for hint in _PROPOSAL_HINTS) or not _PROPOSAL_VERB_RE.search(text):
        return proposals
    for sentence in split_sentences(text):
        m = _PROPOSAL_VERB_RE.search(sentence)
        if not m:
            continue
        verb = m.group(0).lower()
        before, after = sentence[: m.start()], sentence[m.end():]
        if ":" in before:
            before = before.rsplit(":", 1)[-1]
        group = _connected_people(before, find_people(before), at_start=False)
        if not group:
            stripped = after.lstrip()
            group = _connected_people(stripped, find_people(stripped), at_start=True)
            if group:
                after = stripped[group[-1].end:]
            else:
                parties = [p for p in _parties_without_names(before) if p]
                group = [_Person(None, party, 0, 0) for party in parties]
        if not group:
            continue
        extra: list[_Person] = []
        inst = _INSTAMMANDE_RE.search(after)
        if inst:
            tail = after[inst.end():]
            extra = _connected_people(tail, find_people(tail), at_start=True)
            if extra:
                after = after[: inst.start()] + tail[extra[-1].end:]
        stance = _stance(after, verb, proposals)
        for person in group + extra:
            if not any(p.name == person.name and p.party == person.party and p.stance == stance for p in proposals):
                proposals.append(Proposal(person.name, person.party, stance))
    return proposals


# --------------------------------------------------------------------------
# Conflicts of interest (jäv)
# --------------------------------------------------------------------------

_JAV_RE = re.compile(r"\bjäv(?:ig|iga|et|s)?\b", re.IGNORECASE)
_NO_JAV_RE = re.compile(
    r"\b(?:ingen|inget|inga|ej|inte)\s+(?:\w+\s+){0,2}?jäv|\bjäv\w*\s+(?:föreligger\s+|anmäls\s+|finns\s+)?(?:inte|ej)\b",
    re.IGNORECASE,
)
_STEPS_OUT_RE = re.compile(
    r"\bjäv|\bdeltar\s+(?:inte|ej)\b|\blämnar\s+(?:sammanträdet|lokalen|rummet|mötet)|\bdeltog\s+(?:inte|ej)\b"
    r"|\bdeltar\s+inte\b|\bavstår\s+från\s+att\s+delta",
    re.IGNORECASE,
)
_STEPS_IN_RE = re.compile(r"^\W*(?:tjänstgör|tjänstgjorde|ersätter|ersatte|går\s+in|träder\s+in|inträder)\b", re.IGNORECASE)
_LIST_JOIN = (",", "och", "samt", "&", ", och", ", samt")


def recusals_from_text(text: str) -> list[Recusal]:
    """Members who declared a conflict of interest (jäv), each with the sentence as printed.

    Read: "X (S) anmäler jäv och deltar inte i handläggningen", "X anmäler
    jäv och lämnar sammanträdet", "På grund av jäv deltar X inte ...", "X
    deltar inte i handläggningen på grund av jäv", "X och Y (M) anmäler jäv".
    A substitute who steps in ("Y (S) tjänstgör istället", "Y ersätter X
    under ärendet") is not one of them; "Inget jäv anmäls" names nobody.
    """
    found: list[Recusal] = []
    if "jäv" not in text.lower():
        return found
    for sentence in split_sentences(text):
        if not _JAV_RE.search(sentence) or _NO_JAV_RE.search(sentence):
            continue
        people = [p for p in find_people(sentence) if p.name]
        marked = [False] * len(people)
        for k in range(len(people) - 1, -1, -1):
            after = sentence[people[k].end: people[k + 1].start if k + 1 < len(people) else len(sentence)]
            before = sentence[people[k - 1].end if k else 0: people[k].start]
            if _STEPS_IN_RE.match(after):
                continue
            joined_to_next = k + 1 < len(people) and after.strip() in _LIST_JOIN and marked[k + 1]
            marked[k] = bool(_STEPS_OUT_RE.search(after)) or joined_to_next or bool(_JAV_RE.search(before))
        for person, recused in zip(people, marked):
            if recused and not any(r.name == person.name for r in found):
                found.append(Recusal(person.name, person.party, sentence))
    return found


# --------------------------------------------------------------------------
# Attendance entries
# --------------------------------------------------------------------------

_ROLE_TEXT = {
    "ordf": Role.CHAIR, "ordf.": Role.CHAIR, "sekr": Role.SECRETARY, "sekr.": Role.SECRETARY,
}


@dataclass
class _Entry:
    name: str
    party: str | None
    pre: str
    rest: str


_PARAGRAPH_NOTE_RE = re.compile(
    r"(?:\(\s*)?(?:(?:ej|inte|deltar\s+(?:ej|inte)\s+i|närvarande|från|till|fr\.?o\.?m\.?|t\.?o\.?m\.?)\s*)?§§?\s*\d{1,4}"
    r"(?:\s*[-–]\s*\d{1,4})?(?:\s*(?:,|och|samt)\s*(?:§§?\s*)?\d{1,4}(?:\s*[-–]\s*\d{1,4})?){0,20}\s*\)?",
    re.IGNORECASE,
)
_TIME_NOTE_RE = re.compile(
    r"(?:\(\s*)?(?:(?:från|till|fr\.?o\.?m\.?|t\.?o\.?m\.?)\s*)?(?:kl\.?|klockan)\s*\d{1,2}[.:]\d{2}(?:\s*[-–]\s*\d{1,2}[.:]\d{2})?\s*\)?",
    re.IGNORECASE,
)
_REPLACES_RE = re.compile(
    r"(?:^|\s|,)(?:tjänstgör\s+)?(?:i\s+stället\s+för|istället\s+för|ersätter|ers\.\s+för|för)\s+(?=[A-ZÅÄÖ])"
)


def name_and_extra(text: str) -> tuple[str, str, str] | None:
    """(words before the name, name, words after) for a text holding one person's name."""
    words = text.split()
    for i in range(len(words)):
        run = []
        for w in words[i:i + 6]:
            bare = w.rstrip(",;:")
            if NAME_WORD_RE.fullmatch(bare) or INITIAL_RE.fullmatch(bare) or (run and bare in PARTICLES):
                run.append(bare)
                if w != bare:
                    break
            else:
                break
        while run and (run[0].lower() in NAME_STOPWORDS or run[0].lower().endswith(TITLE_SUFFIXES)):
            run.pop(0)
            i += 1
        if len(run) >= 2:
            run = run[:5]
            after = " ".join(words[i + len(run):])
            return " ".join(words[:i]), " ".join(run), after
    return None


def parse_entry(text: str) -> _Entry | None:
    text = BULLET_RE.sub("", text).strip().rstrip(".")
    if not text:
        return None
    open_at = text.find("(")
    close_at = text.find(")", open_at + 1) if open_at > 0 else -1
    party = None
    if open_at > 0 and close_at > open_at:
        party = clean_party(text[open_at + 1:close_at])
    if party:
        name_part, rest = text[:open_at].strip(" ,"), text[close_at + 1:]
    else:
        comma = text.find(",")
        name_part, rest = (text[:comma], text[comma + 1:]) if comma > 0 else (text, "")
    found = name_and_extra(name_part)
    if not found:
        return None
    pre, name, after = found
    rest = (after + " " + rest).strip(" ,;:-–")
    return _Entry(name=name, party=party, pre=pre.strip(" ,"), rest=rest)


def split_entries(line: str) -> list[str]:
    """One attendance line may list several people: split before each "Name (Party)" not preceded by "för"."""
    matches = [m for m in PERSON_RE.finditer(line) if m.group("party") and clean_party(m.group("party"))]
    if len(matches) < 2:
        return [line]
    pieces: list[str] = []
    start = 0
    for m in matches[1:]:
        before = line[start:m.start()].rstrip()
        if re.search(r"(?:\bför|\bersätter|stället\s+för)$", before):
            continue
        pieces.append(line[start:m.start()].strip(" ,;").removesuffix(" och").removesuffix(" samt").strip(" ,;"))
        start = m.start()
    pieces.append(line[start:].strip(" ,;"))
    return [p for p in pieces if p]


def _clean_role_text(text: str) -> str:
    text = _PARAGRAPH_NOTE_RE.sub(" ", text)
    text = _TIME_NOTE_RE.sub(" ", text)
    text = SPACES_RE.sub(" ", text).strip(" ,;:-–()")
    return _ROLE_TEXT.get(text.lower(), text)


def _chair_role(text: str) -> str | None:
    low = text.lower()
    for ordinal, pattern in (("1:e", r"1:e|1:a|förste|första"), ("2:e", r"2:e|2:a|andre|andra"), ("3:e", r"3:e|tredje")):
        if re.search(rf"(?:{pattern})\s+vice\s+ordf", low):
            return f"{ordinal} {Role.VICE_CHAIR}"
    if re.search(r"\bvice\s+ordf", low):
        return Role.VICE_CHAIR
    if re.fullmatch(r"ordf(?:örande|\.)?|tjänstgörande\s+ordförande|ordförande\s+\w+", low) or low == Role.CHAIR:
        return Role.CHAIR
    return None


_PRESENTER_RE = re.compile(
    r",?\s*(?:närvarande\s+(?:under\s+)?(?:§§?\s*\d{1,4}(?:\s*[-–]\s*\d{1,4})?\s+)?för\s+information"
    r"|föredragande|föredrar\s+ärendet|föredragning|informerar|för\s+information)\b[^,;]{0,40}",
    re.IGNORECASE,
)
_SECRETARY_RE = re.compile(r"\w*sekreterare\b|^sekr\.?$", re.IGNORECASE)


def attendee(entry: _Entry, kind: str, listed_under: str) -> Attendee:
    """An attendance entry with its role (`Role`) as the list and the entry print it."""
    hint = " ".join(x for x in (entry.pre, entry.rest) if x)
    presenter = bool(_PRESENTER_RE.search(hint))
    if presenter:
        hint = _PRESENTER_RE.sub(" ", hint)
    hint = _clean_role_text(hint)
    replaces = None
    m = _REPLACES_RE.search(hint)
    if m:
        found = name_and_extra(hint[m.end():].replace("(", " (", 1))
        if found and not found[0]:
            replaces = found[1]
            hint = _clean_role_text(hint[: m.start()])
    role, title = _role(kind, hint, entry.party, replaces, presenter)
    return Attendee(name=entry.name, party=entry.party, role=role, replaces=replaces, title=title, listed_under=listed_under)


def _role(kind: str, hint: str, party: str | None, replaces: str | None, presenter: bool) -> tuple[str, str | None]:
    """(role, title) of an entry listed under `kind` with the words `hint` beside the name."""
    low = hint.lower()
    if kind == "att_foredragande" or (presenter and not party):
        return Role.PRESENTER, hint or None
    if kind == "att_beslutande":
        chair = _chair_role(hint) if hint else None
        if chair:
            return chair, None
        if replaces or "ersättare" in low:
            return Role.SERVING_SUBSTITUTE, None
        if not party and is_official_title(hint):
            return (Role.SECRETARY if _SECRETARY_RE.search(low) else Role.OFFICIAL), hint
        return Role.MEMBER, (hint if hint and low not in ("ledamot", "ledamöter") else None)
    if kind == "att_tjg":
        return Role.SERVING_SUBSTITUTE, None
    if kind == "att_ersattare":
        return Role.SUBSTITUTE, None
    if kind == "sig_sekreterare":
        return Role.SECRETARY, hint or Role.SECRETARY
    if kind == "sig_justerare":
        return Role.ADJUSTER, None
    if party:
        if "ersättare" in low and not re.search(r"\bordf", low):
            return Role.SUBSTITUTE, None
        return Role.OTHER_PRESENT, hint or None
    if _SECRETARY_RE.search(low):
        return Role.SECRETARY, hint
    return Role.OFFICIAL, hint or None


def listing_label(label: str) -> str:
    label = label.strip().rstrip(":")
    return capitalise(label.lower()) if label else label
