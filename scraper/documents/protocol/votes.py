"""Roll-call votes (votering, omröstning): in a paragraph's text and in voting lists printed as appendices.

What is read
    The start ("Omröstning begärs och verkställs", "Votering begärs",
    "Anna Andersson (M) begär omröstning", "Sluten omröstning ..." for a
    closed ballot), what a yes and a no mean ("Den som bifaller X röstar ja,
    den som bifaller Y röstar nej", "Ja-röst för X, nej-röst för Y"), the
    printed counts ("Med 8 ja-röster mot 7 nej-röster", "Vid omröstningen
    avges 8 ja-röster, 7 nej-röster och 1 avstår", "8 ja, 7 nej, 1 avstår",
    numbers as words up to twenty: "åtta ja-röster"), the sentence saying what
    the vote decided, the chair's casting vote ("ordförandens utslagsröst"),
    and who voted how: lists after a label ("För ja röstar: A (S), B (V)",
    "Ja-röster: ...", "Följande röstar ja: ...", "Nej: ...", "Avstår: ...",
    "Avstår från att rösta: ...", "Frånvarande: ...", names over several
    lines, "och" before the last), sentences ("A (S) och B (V) röstar ja"),
    and voting lists printed as a table ("Ledamot | Parti | Ja | Nej |
    Avstår" with an X or a tick in one column, or a column holding the vote
    as a word). A table row is read when its cells can be told apart: cells
    separated by "|", a mark in its column of a text that keeps the layout,
    a placeholder in every empty cell ("X - -"), or the vote as a word. A row
    that gives a mark but not its column ("Anna Andersson S X" as PDF
    extraction prints a table) is not guessed: the vote says so in its
    warnings, as it does for a list printed in columns split over lines.

Several votes in one paragraph
    A vote starts at a start sentence, or at counts, a meaning or a list
    when the vote before has its result; repeated counts belong to the same
    vote. Votes are numbered 1, 2, ... in the order printed.

Never invented
    Counts are as printed (None where none is printed); members only as
    read. Where both are there and disagree, both are kept and a warning says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .lexicon import (
    BULLET_RE,
    KNOWN_PARTIES,
    NAME_WORD_RE,
    NUMBER_WORDS,
    clean_party,
    join_with_starts,
    split_sentences,
)
from .model import VOTE_CHOICES, Vote, VoteMember
from .people import find_people

_NUMBER = rf"\d{{1,3}}|{'|'.join(NUMBER_WORDS)}"
_START_RE = re.compile(
    r"\b(?:omröstning|votering|röstning)\s+(?:begärs|begärdes|har\s+begärts|verkställs|verkställdes|genomförs|genomfördes"
    r"|äger\s+rum|ska\s+(?:ske|genomföras|verkställas)|sker|skedde)\b|\bbegär(?:s|de|t)?\s+(?:omröstning|votering)\b|\bsluten\s+(?:omröstning|votering)\b",
    re.IGNORECASE,
)
_CLOSED_RE = re.compile(r"\bslutn?(?:a|en)?\s+(?:omröstning|votering)(?:en)?\b", re.IGNORECASE)
_COUNT_RE = re.compile(
    rf"\b(?P<n>{_NUMBER})\s(?:st\.?\s)?(?:(?P<ja>ja)|(?P<nej>nej)"
    r"|(?:(?:ledam(?:ot|öter)\s)?(?:som\s)?)(?P<avstar>avstår|avstod|avstående|nedlagda?\s+röst(?:er)?)"
    r"|(?:ledam(?:ot|öter)\s(?:är\s)?)?(?P<franvarande>frånvarande))\b(?:-?\s?röst(?:er|en)?\b)?",
    re.IGNORECASE,
)
_COUNT_AFTER_RE = re.compile(
    r"\b(?P<word>ja|nej|avstår|avstående|frånvarande)(?:-?röster)?\s?[:=]?\s(?P<n>\d{1,3})\b(?![.,:]\d)", re.IGNORECASE
)
_OUTCOME_RE = re.compile(
    r"\b(?:beslut(?:ar|at|ade)|beslöt|bifall(?:er|it|s)|avsl(?:år|agit|ogs)|vald|valts|utsedd|utsett|utses|väljs"
    r"|har\s+således|därmed|varmed|finner\s+att)\b",
    re.IGNORECASE,
)
_CASTING_RE = re.compile(r"utslagsröst", re.IGNORECASE)
_JA_WORD_RE = re.compile(r"\bja\b")
_NEJ_WORD_RE = re.compile(r"\bnej\b")
_TALLY_RE = re.compile(rf"\b(?:erhåller|erhöll|får|fick)\s(?:{_NUMBER})\sröst", re.IGNORECASE)
_MEANING_PART_RE = re.compile(
    r"^(?:den|de)\s+som\s+(?:vill\s+bifalla\s+|vill\s+|bifaller\s+|röstar\s+för\s+|är\s+för\s+)?", re.IGNORECASE
)
_YES_NO_RE = re.compile(r"\bröstar\s+ja\b[,;]?\s(?:och\s)?(?=(?:den|de)\s+som\b)", re.IGNORECASE)
_NEGATED_RE = re.compile(r"\b(?:ingen|inte|ej)\b", re.IGNORECASE)
# What a side stands for: "Ja-röst för X", "ja innebär X", "Nej = Y", after an optional lead ("Följande propositionsordning godkänns:").
_LEAD = r"^(?:[^:]{0,60}:\s)?"
_STANDS_FOR = r"(?:-?röst(?:en)?)?\s(?:för|innebär|=)\s"
_JA_FOR_RE = re.compile(
    rf"{_LEAD}ja{_STANDS_FOR}(?P<yes>[^;]{{1,200}}?)[,;]\s(?:och\s)?nej{_STANDS_FOR}(?P<no>.{{1,200}}?)\.?$", re.IGNORECASE
)
_ONE_SIDE_RE = re.compile(rf"{_LEAD}(?P<side>ja|nej){_STANDS_FOR}(?P<what>.{{1,200}}?)\.?$", re.IGNORECASE)
_LABEL_RE = re.compile(
    r"^(?:(?:för\s)?(?P<a>ja|nej)(?:-?röster|-?röst|\sröster)?(?:\s(?:röstar|röstade))?"
    r"|följande(?:\sledamöter)?\s(?:röstar|röstade)\s(?P<b>ja|nej)"
    r"|(?:röstar|röstade)\s(?P<c>ja|nej)"
    r"|(?P<avstar>avst(?:år|od)(?:\sfrån\satt\srösta)?|följande(?:\sledamöter)?\savst(?:år|od)(?:\sfrån\satt\srösta)?|avstående)"
    r"|(?P<franvarande>frånvarande|ej\snärvarande))"
    r"(?:\s?\(\d{1,3}(?:\s\w+)?\))?(?::\s?|\s(?=(?-i:[A-ZÅÄÖÉ])))",
    re.IGNORECASE,
)
_SENTENCE_VOTE_RE = re.compile(r"\s(?:röstar|röstade)\s(?P<choice>ja|nej)\.?$|\savst(?:år|od)\sfrån\satt\srösta\.?$", re.IGNORECASE)
_CHOICE_WORDS = {
    "ja": "ja", "nej": "nej", "avstår": "avstår", "avstod": "avstår", "avstående": "avstår", "avst": "avstår",
    "frånvarande": "frånvarande", "frånv": "frånvarande", "frånv.": "frånvarande",
}
_HEADER_WORDS = {
    "ledamot", "ledamöter", "ledamöterna", "namn", "parti", "ersättare", "tjänstgörande", "röst", "röstar",
    "ja", "nej", "avstår", "avstod", "avstående", "frånvarande", "frånv", "frånv.", "votering", "omröstning",
    "ja-röst", "nej-röst", "ja-röster", "nej-röster", "ordinarie",
}
MARKS = frozenset({"X", "x", "✓", "✔", "☒", "●"})
_PLACEHOLDERS = frozenset({"-", "–", "—", "0", "_"})
_TOTAL_WORDS = ("summa", "totalt", "antal", "resultat", "summering", "röster")
_COLUMN_GAP_RE = re.compile(r"\S {2,}(?=\S)")
_SEPARATORS_RE = re.compile(r"^[\s,;.]*(?:(?:och|samt)[\s,;.]*)?$")


def count_value(word: str) -> int | None:
    """A count as printed: digits or a number word up to twenty ("åtta" -> 8)."""
    word = word.lower()
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def choice_of(match: re.Match) -> str:
    for group, choice in (("ja", "ja"), ("nej", "nej"), ("avstar", "avstår"), ("franvarande", "frånvarande")):
        if match.group(group):
            return choice
    return "ja"


def counts_in(text: str) -> dict[str, int]:
    """The printed counts in a text: {"ja": 8, "nej": 7, "avstår": 1}, first number per choice."""
    counts: dict[str, int] = {}
    if not any(ch.isalpha() for ch in text):
        return counts
    for m in _COUNT_RE.finditer(text):
        value = count_value(m.group("n"))
        choice = choice_of(m)
        if value is not None and choice not in counts:
            counts[choice] = value
    if not counts:
        for m in _COUNT_AFTER_RE.finditer(text):
            counts.setdefault(_CHOICE_WORDS[m.group("word").lower()], int(m.group("n")))
    return counts


# --------------------------------------------------------------------------
# Reading a paragraph
# --------------------------------------------------------------------------


@dataclass
class _Event:
    offset: int
    kind: str
    text: str = ""
    members: list[VoteMember] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    meaning: tuple[str, str] | None = None


def read_votes(lines: Sequence[str], layout: Sequence[str] | None = None, barriers: Sequence[int] = ()) -> list[Vote]:
    """The votes printed in a paragraph's lines, in order.

    `layout` holds the same lines as printed (with the spaces that align a
    table's columns), `barriers` the indices of lines that end a vote's
    reach (a decision or background heading): no outcome is read past one.
    """
    text, starts = join_with_starts(lines)
    if not _might_hold_a_vote(text):
        return []
    listed, consumed = _list_events(lines, layout, starts)
    events = listed
    for first, last in _runs_outside(consumed, len(lines)):
        end = starts[last + 1] if last + 1 < len(starts) else len(text)
        events.extend(_prose_events(text[starts[first]:end], starts[first]))
    events.sort(key=lambda e: e.offset)
    limits = sorted(starts[i] for i in barriers if i < len(starts))
    return _group(events, limits)


def _might_hold_a_vote(text: str) -> bool:
    low = text.lower()
    if "röst" in low or "votering" in low:
        return True
    return bool(_JA_WORD_RE.search(low) and _NEJ_WORD_RE.search(low))


def _runs_outside(consumed: set[int], count: int) -> list[tuple[int, int]]:
    """(first, last) line of each run of lines that no list or table took."""
    runs: list[tuple[int, int]] = []
    for i in range(count):
        if i in consumed:
            continue
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def _prose_events(text: str, base: int) -> list[_Event]:
    """Events of the sentences of running text that starts at offset `base` of the paragraph."""
    events: list[_Event] = []
    position = 0
    for sentence in split_sentences(text):
        offset = text.find(sentence, position)
        position = offset + len(sentence)
        offset += base
        start = _START_RE.search(sentence)
        if start and not _NEGATED_RE.search(sentence[: start.end()]):
            events.append(_Event(offset, "closed" if _CLOSED_RE.search(sentence) else "start", sentence))
        meaning = _meaning(sentence)
        if meaning:
            events.append(_Event(offset, "meaning", sentence, meaning=meaning))
        elif side := _ONE_SIDE_RE.match(sentence):
            events.append(_Event(offset, "side", sentence, meaning=(side.group("side").lower(), side.group("what").strip())))
        counts = counts_in(sentence) if ("ja" in sentence.lower() or "nej" in sentence.lower()) else {}
        if "ja" in counts or "nej" in counts:
            events.append(_Event(offset, "counts", sentence, counts=counts))
        if _TALLY_RE.search(sentence):
            events.append(_Event(offset, "tally", sentence))
        if _CASTING_RE.search(sentence):
            events.append(_Event(offset, "casting", sentence))
        if _OUTCOME_RE.search(sentence):
            events.append(_Event(offset, "outcome", sentence))
        members = _sentence_members(sentence)
        if members:
            events.append(_Event(offset, "members", sentence, members=members))
    return events


def _meaning(sentence: str) -> tuple[str, str] | None:
    """(yes means, no means) from "Den som bifaller X röstar ja, den som bifaller Y röstar nej" or "Ja för X, nej för Y"."""
    m = _JA_FOR_RE.match(sentence)
    if m:
        return m.group("yes").strip(), m.group("no").strip()
    split = _YES_NO_RE.search(sentence)
    if not split:
        return None
    first = sentence[: split.start()].strip()
    second = sentence[split.end():].strip().rstrip(".")
    start = first.lower().rfind("den som")
    start = first.lower().rfind("de som") if start < 0 else start
    no_end = second.lower().rfind("röstar nej")
    if start < 0 or no_end < 0:
        return None
    yes = _MEANING_PART_RE.sub("", first[start:]).strip(" ,")
    no = _MEANING_PART_RE.sub("", second[:no_end]).strip(" ,")
    return (yes, no) if yes and no else None


def _sentence_members(sentence: str) -> list[VoteMember]:
    """"A (S), B (V) och C (M) röstar ja." -> the three voting ja."""
    m = _SENTENCE_VOTE_RE.search(sentence)
    if not m:
        return []
    choice = (m.group("choice") or "avstår").lower()
    return names_in_list(sentence[: m.start()], choice)


def names_in_list(text: str, choice: str) -> list[VoteMember]:
    """The members named in a list ("A (S), B (V) och C (M)"), each with `choice`; [] when the text is more than names."""
    people = [p for p in find_people(text) if p.name]
    if not people:
        return []
    pieces = [text[: people[0].start]] + [text[a.end:b.start] for a, b in zip(people, people[1:])] + [text[people[-1].end:]]
    if not all(_SEPARATORS_RE.match(piece) for piece in pieces):
        return []
    return [VoteMember(p.name, clean_party(p.party), choice) for p in people]


def _list_events(
    lines: Sequence[str], layout: Sequence[str] | None, starts: Sequence[int]
) -> tuple[list[_Event], set[int]]:
    """The lists of names and the tables among the lines, and the lines they take."""
    events: list[_Event] = []
    consumed: set[int] = set()
    i = 0
    while i < len(lines):
        label = _LABEL_RE.match(lines[i])
        if label:
            end, members = _labelled_list(lines, i, label)
            if members:
                events.append(_Event(starts[i], "members", lines[i], members=members))
                consumed.update(range(i, end))
            i = max(end, i + 1)
            continue
        if is_table_header(lines[i]) or _split_header_at(lines, i):
            table = read_table(lines[i:], layout[i:] if layout else None)
            events.append(_Event(starts[i], "table", lines[i], table.members, table.counts, table.warnings))
            consumed.update(range(i, i + max(table.length, 1)))
            i += max(table.length, 1)
            continue
        i += 1
    return events, consumed


def _labelled_list(lines: Sequence[str], i: int, label: re.Match) -> tuple[int, list[VoteMember]]:
    choice = next(
        (g.lower() for g in (label.group("a"), label.group("b"), label.group("c")) if g),
        "avstår" if label.group("avstar") else "frånvarande",
    )
    parts = [lines[i][label.end():].strip()]
    end = i + 1
    while end < len(lines) and not _LABEL_RE.match(lines[end]) and not is_table_header(lines[end]):
        previous = parts[-1]
        continues = not previous or previous.endswith((",", " och", " samt"))
        line = lines[end]
        bare = line[4:] if line.startswith("och ") else line
        if not names_in_list(bare, choice) or not (continues or not previous.endswith(".")):
            break
        parts.append(line)
        end += 1
    return end, names_in_list(" ".join(parts).strip().rstrip("."), choice)


def _group(events: list[_Event], limits: Sequence[int]) -> list[Vote]:
    votes: list[Vote] = []
    state: list[dict] = []
    for event in events:
        current = state[-1] if state else None
        if _opens_vote(event, current):
            state.append({"offset": event.offset, "result": False, "choices": set(), "counted": None, "started": False})
            votes.append(Vote(ordinal=0))
            current = state[-1]
        if current is None:
            continue
        current["started"] = current["started"] or event.kind in ("start", "closed")
        _apply(votes[-1], current, event, limits)
    kept = [vote for vote, current in zip(votes, state) if current["started"] or _is_vote(vote)]
    for ordinal, vote in enumerate(kept, 1):
        vote.ordinal = ordinal
        check_counts(vote)
    return kept


def _opens_vote(event: _Event, current: dict | None) -> bool:
    if event.kind in ("outcome", "casting", "tally"):
        return False
    if current is None:
        return True
    if event.kind in ("start", "closed", "meaning", "side"):
        return current["result"]
    if event.kind == "counts":
        counted = current["counted"]
        return counted is not None and any(counted.get(choice, value) != value for choice, value in event.counts.items())
    return bool({m.vote for m in event.members} & current["choices"])


def _apply(vote: Vote, current: dict, event: _Event, limits: Sequence[int]) -> None:
    if event.kind == "closed":
        vote.kind = "closed"
    elif event.kind == "meaning" and vote.question is None:
        vote.question = event.text
        vote.yes_means, vote.no_means = event.meaning or (None, None)
    elif event.kind == "side" and event.meaning and (vote.no_means is None or vote.yes_means is None):
        vote.question = f"{vote.question} {event.text}" if vote.question else event.text
        side, what = event.meaning
        if side == "ja":
            vote.yes_means = vote.yes_means or what
        else:
            vote.no_means = vote.no_means or what
    elif event.kind == "counts":
        if current["counted"] is None:
            for choice, value in event.counts.items():
                vote.counts[choice] = value
            current["counted"] = event.counts
        current["result"] = True
        _set_outcome(vote, current, event, limits)
    elif event.kind in ("members", "table"):
        vote.members.extend(event.members)
        vote.warnings.extend(event.warnings)
        current["choices"].update(m.vote for m in event.members)
        current["result"] = current["result"] or bool(event.members)
        for choice, value in event.counts.items():
            if vote.counts.get(choice) is None:
                vote.counts[choice] = value
    elif event.kind == "tally":
        current["result"] = True
    elif event.kind == "casting":
        vote.casting_vote = True
        _set_outcome(vote, current, event, limits)
    elif event.kind == "outcome" and current["result"]:
        _set_outcome(vote, current, event, limits)


def _set_outcome(vote: Vote, current: dict, event: _Event, limits: Sequence[int]) -> None:
    if vote.outcome is not None or not _OUTCOME_RE.search(event.text):
        return
    if any(current["offset"] < limit <= event.offset for limit in limits):
        return
    vote.outcome = event.text


def _is_vote(vote: Vote) -> bool:
    return bool(vote.members or vote.question or vote.outcome or vote.warnings or any(
        value is not None for value in vote.counts.values()
    ) or vote.kind == "closed")


def check_counts(vote: Vote) -> None:
    """A warning when the printed counts and the names read disagree (both are kept)."""
    if not vote.members:
        return
    read = {choice: sum(1 for m in vote.members if m.vote == choice) for choice in VOTE_CHOICES}
    differ = [c for c in VOTE_CHOICES if vote.counts.get(c) is not None and vote.counts[c] != read[c]]
    message = "printed counts ({}) differ from the names read ({})"
    stale = [w for w in vote.warnings if w.startswith("printed counts (")]
    for warning in stale:
        vote.warnings.remove(warning)
    if differ:
        printed = ", ".join(f"{c} {vote.counts[c]}" for c in VOTE_CHOICES if vote.counts.get(c) is not None)
        names = ", ".join(f"{c} {read[c]}" for c in VOTE_CHOICES if read[c] or vote.counts.get(c) is not None)
        vote.warnings.append(message.format(printed, names))


def is_mismatched(vote: Vote) -> bool:
    return any(w.startswith("printed counts (") for w in vote.warnings)


# --------------------------------------------------------------------------
# Voting lists printed as tables
# --------------------------------------------------------------------------


@dataclass
class Table:
    members: list[VoteMember]
    counts: dict[str, int]
    warnings: list[str]
    length: int


def _cells(line: str) -> list[str]:
    if "|" in line:
        return [cell.strip() for cell in line.strip().strip("|").split("|")]
    return line.split()


def is_table_header(line: str) -> bool:
    """A voting list's header: "Ledamot Parti Ja Nej Avstår", "Namn | Ja | Nej", "Ledamot Parti Röst"."""
    words = [w.lower().strip(":") for w in _cells(line) if w]
    if not 2 <= len(words) <= 10 or not all(w in _HEADER_WORDS for w in words):
        return False
    return ("ja" in words and "nej" in words) or ("röst" in words and any(w in words for w in ("ledamot", "namn")))


def _split_header_at(lines: Sequence[str], i: int) -> bool:
    """A header printed one word a line ("Ledamot", "Parti", "Ja", "Nej"): a table in columns split over lines."""
    words = [line.lower() for line in lines[i:i + 6]]
    run = []
    for word in words:
        if word not in _HEADER_WORDS:
            break
        run.append(word)
    return len(run) >= 3 and "ja" in run and "nej" in run and words[0] in ("ledamot", "ledamöter", "namn")


@dataclass
class _Columns:
    names: list[str]
    choices: dict[int, str]
    party: int | None
    offsets: list[int] | None


def _columns(header: str, layout: str | None) -> _Columns:
    names = [w.lower().strip(":") for w in _cells(header)]
    choices = {i: _CHOICE_WORDS[w] for i, w in enumerate(names) if w in _CHOICE_WORDS}
    party = names.index("parti") if "parti" in names else None
    offsets = None
    if layout is not None and "|" not in header and _laid_out(layout, len(names) - 1):
        offsets = [m.start() for m in re.finditer(r"\S+", layout)]
        offsets = offsets if len(offsets) == len(names) else None
    return _Columns(names, choices, party, offsets)


def _laid_out(layout: str, gaps: int) -> bool:
    """True when a header as printed parts its columns by runs of spaces (a text that keeps a table's layout)."""
    return len(_COLUMN_GAP_RE.findall(layout.strip())) >= gaps


def read_table(lines: Sequence[str], layout: Sequence[str] | None = None) -> Table:
    """The members and counts of a voting list that starts with its header at lines[0]."""
    if _split_header_at(lines, 0) and not is_table_header(lines[0]):
        return _split_table(lines)
    columns = _columns(lines[0], layout[0] if layout else None)
    members: list[VoteMember] = []
    counts: dict[str, int] = {}
    unread: list[str] = []
    i = 1
    while i < len(lines):
        line = lines[i]
        total = _total_row(line, columns)
        if total is not None:
            counts = total
            i += 1
            continue
        row = _row(line, columns, layout[i] if layout and i < len(layout) else None)
        if row is None:
            break
        member, readable = row
        if member is not None:
            members.append(member)
        elif not readable:
            unread.append(line)
        i += 1
    warnings = []
    if unread:
        warnings.append(
            f"voting list: {len(unread)} row(s) give a mark but not its column ({unread[0]}); those votes are not read"
        )
    return Table(members, counts, warnings, i)


def _split_table(lines: Sequence[str]) -> Table:
    end = 0
    while end < len(lines) and (lines[end].lower() in _HEADER_WORDS or len(lines[end]) <= 40):
        end += 1
    warning = "voting list printed in columns split over lines: who voted how could not be read"
    return Table([], {}, [warning], max(end, 1))


def _total_row(line: str, columns: _Columns) -> dict[str, int] | None:
    cells = _cells(line)
    if not cells or cells[0].lower().rstrip(":") not in _TOTAL_WORDS:
        return None
    numbers = [int(c) for c in cells[1:] if c.isdigit()]
    choices = [columns.choices[i] for i in sorted(columns.choices)]
    if len(numbers) != len(choices):
        return {}
    return dict(zip(choices, numbers))


def _row_name(cells: Sequence[str]) -> tuple[str, int] | None:
    """The member's name at the start of a row's words, and how many words it takes."""
    words: list[str] = []
    for word in cells[:6]:
        bare = word.rstrip(",")
        if NAME_WORD_RE.fullmatch(bare) and bare not in KNOWN_PARTIES:
            words.append(bare)
            if bare != word:
                break
            continue
        break
    return (" ".join(words), len(words)) if len(words) >= 2 else None


def _row(line: str, columns: _Columns, layout: str | None) -> tuple[VoteMember | None, bool] | None:
    """(member, readable) for a row; None when the line is no row of the table."""
    if "|" in line:
        return _pipe_row(line, columns)
    words = BULLET_RE.sub("", line).split()
    found = _row_name(words)
    if found is None:
        return None
    name, used = found
    rest = words[used:]
    party = _row_party(rest)
    said = [_CHOICE_WORDS[w.lower()] for w in rest if w.lower() in _CHOICE_WORDS]
    if len(said) == 1:
        return VoteMember(name, party, said[0]), True
    cells = [w for w in rest if w in MARKS or w in _PLACEHOLDERS]
    if sum(1 for w in cells if w in MARKS) != 1:
        return (None, True) if not any(w in MARKS for w in cells) else (None, False)
    choices = [columns.choices[i] for i in sorted(columns.choices)]
    if len(cells) == len(choices):
        return VoteMember(name, party, choices[next(k for k, w in enumerate(cells) if w in MARKS)]), True
    choice = _aligned_choice(layout, columns)
    return (VoteMember(name, party, choice), True) if choice else (None, False)


def _row_party(rest: Sequence[str]) -> str | None:
    for word in rest[:3]:
        party = clean_party(word.strip("(),"))
        if party and party in KNOWN_PARTIES and (word.startswith("(") or word.strip(",").upper() == word.strip(",")):
            return party
    return None


def _aligned_choice(layout: str | None, columns: _Columns) -> str | None:
    """The column of a row's mark from where it stands under the header, in a text that keeps the layout."""
    if layout is None or columns.offsets is None:
        return None
    marks = [m.start() for m in re.finditer(r"\S+", layout) if m.group() in MARKS]
    if len(marks) != 1 or not layout[: marks[0]].endswith("  "):
        return None
    distance, column = min((abs(offset - marks[0]), i) for i, offset in enumerate(columns.offsets))
    return columns.choices.get(column) if distance <= 3 else None


def _pipe_row(line: str, columns: _Columns) -> tuple[VoteMember | None, bool] | None:
    cells = _cells(line)
    found = _row_name(cells[0].split()) if cells else None
    if found is None or found[1] != len(cells[0].split()):
        return None
    party = clean_party(cells[columns.party]) if columns.party is not None and columns.party < len(cells) else None
    chosen = [
        columns.choices[i] for i in columns.choices
        if i < len(cells) and (cells[i] in MARKS or cells[i].lower() in _CHOICE_WORDS)
    ]
    said = [_CHOICE_WORDS[c.lower()] for c in cells[1:] if c.lower() in _CHOICE_WORDS]
    if len(chosen) == 1:
        return VoteMember(found[0], party, chosen[0]), True
    if len(said) == 1:
        return VoteMember(found[0], party, said[0]), True
    return None, not chosen


# --------------------------------------------------------------------------
# Voting lists in appendices
# --------------------------------------------------------------------------

_APPENDIX_RE = re.compile(
    r"^(?:bilaga\s{1,2}\d{1,3}\s{0,2}[:.\-–]?\s{0,2})?(?:omröstningsbilaga|omröstningslista|voteringslista|voteringsbilaga"
    r"|röstlista|omröstningsprotokoll|röstförteckning)\b",
    re.IGNORECASE,
)
_APPENDIX_LABEL_RE = re.compile(r"^bilaga\s{1,2}\d{1,3}\b", re.IGNORECASE)
_APPENDIX_NAME_RE = re.compile(r"^(?:bilaga|omröstningsbilaga|voteringsbilaga)", re.IGNORECASE)
_SECTION_SIGN_RE = re.compile(r"§\s{0,2}(\d{1,4})\b")


def appendix_starts(lines: Sequence[str]) -> list[int]:
    """Where voting-list appendices start ("Omröstningsbilaga 1", "Bilaga 1 Omröstningslista", "Bilaga 2" + "Omröstning ...").

    A heading such as "Omröstningslista" starts one only where it names a
    paragraph in its first lines; otherwise it is a list inside the paragraph.
    """
    found = []
    for i, line in enumerate(lines):
        if _APPENDIX_RE.match(line):
            if _APPENDIX_NAME_RE.match(line) or appendix_paragraph(lines[i:i + 5]) is not None:
                found.append(i)
        elif _APPENDIX_LABEL_RE.match(line) and any(_APPENDIX_RE.match(nxt) for nxt in lines[i + 1:i + 3]):
            found.append(i)
    return [i for k, i in enumerate(found) if k == 0 or i > found[k - 1] + 2]


def appendix_paragraph(lines: Sequence[str]) -> int | None:
    """The paragraph an appendix names in its first lines ("Regionstyrelsen 2025-02-11, § 45", "till § 45")."""
    for line in lines[:5]:
        m = _SECTION_SIGN_RE.search(line)
        if m:
            return int(m.group(1))
    return None


def attach_appendices(votes_by_paragraph: dict[int, list[Vote]], blocks: Sequence[tuple[Sequence[str], Sequence[str] | None]]) -> list[str]:
    """Add the voting lists of appendix blocks (lines, layout) to the votes of the paragraphs they name.

    The list goes to the first vote of that paragraph without names (its
    counts fill those not printed in the paragraph), or becomes a vote of its
    own. Returns warnings for lists that name no paragraph of the protocol.
    """
    warnings: list[str] = []
    for lines, layout in blocks:
        number = appendix_paragraph(lines)
        found = read_votes(lines, layout)
        if not found:
            continue
        if number is None or number not in votes_by_paragraph:
            where = f"§ {number}" if number is not None else "no paragraph"
            warnings.append(f"voting list in an appendix ({lines[0]}) names {where} of this protocol: not attached")
            continue
        votes = votes_by_paragraph[number]
        open_votes = [v for v in votes if not v.members and not any(w.startswith("voting list") for w in v.warnings)]
        open_votes.reverse()
        for listed in found:
            target = open_votes.pop() if open_votes else None
            if target is None:
                target = Vote(ordinal=len(votes) + 1, question=listed.question, yes_means=listed.yes_means, no_means=listed.no_means)
                votes.append(target)
            target.members.extend(listed.members)
            target.warnings.extend(w for w in listed.warnings if not w.startswith("printed counts ("))
            for choice, value in listed.counts.items():
                if target.counts.get(choice) is None:
                    target.counts[choice] = value
            target.casting_vote = target.casting_vote or listed.casting_vote
            check_counts(target)
    return warnings


def vote_warnings(paragraphs: Sequence) -> list[str]:
    """The warnings of every vote, each naming its paragraph and vote ("§ 45, vote 1: ...")."""
    return [
        f"§ {paragraph.number}, vote {vote.ordinal}: {warning}"
        for paragraph in paragraphs for vote in paragraph.votes for warning in vote.warnings
    ]
