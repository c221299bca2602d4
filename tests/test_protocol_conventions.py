"""The conventions of Swedish protocols one by one, each in the variants other templates print.

Every case is a short protocol around one paragraph: a heading form, a
decision lead-in, a case-number form, a vote layout, a way of declaring jäv.
"""

from __future__ import annotations

import pytest

from scraper.documents.protocol import looks_like_protocol, parse_protocol
from scraper.documents.protocol.lexicon import clean_party
from scraper.documents.protocol.votes import counts_in, read_table


def paragraph(body: str, committee: str = "Kommunstyrelsen", heading: str = "§ 12\nÄrendet i fråga") -> dict:
    """The second paragraph of a short protocol whose second paragraph is `heading` + `body`."""
    text = f"{committee}\nPROTOKOLL\n§ 11\nVal av justerare\nBeslut\nAnna Alm utses att justera.\n{heading}\n{body}\n"
    paragraphs = parse_protocol(text).to_dict()["paragraphs"]
    assert [p["number"] for p in paragraphs][:1] == [11]
    return paragraphs[1]


# --------------------------------------------------------------------------
# Decisions and their lead-ins
# --------------------------------------------------------------------------

DECISIONS = [
    ("Beslut\nKommunstyrelsen beslutar att godkänna rapporten.", "Kommunstyrelsen beslutar att godkänna rapporten.", None),
    ("BESLUT\nKommunstyrelsen beslutar att godkänna rapporten.", "Kommunstyrelsen beslutar att godkänna rapporten.", None),
    ("Beslut:\nKommunstyrelsen beslutar att godkänna rapporten.", "Kommunstyrelsen beslutar att godkänna rapporten.", None),
    ("Beslut: Kommunstyrelsen beslutar att godkänna rapporten.", "Kommunstyrelsen beslutar att godkänna rapporten.", None),
    ("Beslutet\nStyrelsen beslutar att godkänna rapporten.", "Styrelsen beslutar att godkänna rapporten.", None),
    ("Beslut i ärendet\nNämnden beslutar att godkänna rapporten.", "Nämnden beslutar att godkänna rapporten.", None),
    ("Kommunstyrelsens beslut\nKommunstyrelsen beslutar på arbetsutskottets förslag\natt godkänna rapporten.",
     "Kommunstyrelsen beslutar på arbetsutskottets förslag att godkänna rapporten.", "arbetsutskottet"),
    ("Regionstyrelsens beslut\nRegionstyrelsen beslutar på finansutskottets förslag att anta budgeten.",
     "Regionstyrelsen beslutar på finansutskottets förslag att anta budgeten.", "finansutskottet"),
    ("Kommunfullmäktiges beslut\nKommunfullmäktige beslutar enligt kommunstyrelsens förslag.",
     "Kommunfullmäktige beslutar enligt kommunstyrelsens förslag.", "kommunstyrelsen"),
    ("Nämndens beslut\nNämnden beslutar i enlighet med presidiets förslag att godkänna planen.",
     "Nämnden beslutar i enlighet med presidiets förslag att godkänna planen.", "presidiet"),
    ("Utskottets beslut\nUtskottet beslutar i enlighet med ordförandens förslag.",
     "Utskottet beslutar i enlighet med ordförandens förslag.", "ordföranden"),
    ("Beslut\nKommunfullmäktige bifaller KS:s förslag.", "Kommunfullmäktige bifaller KS:s förslag.", "ks"),
    ("Beslut\nRegionstyrelsen beslutar att bifalla regionala utvecklingsnämndens förslag.",
     "Regionstyrelsen beslutar att bifalla regionala utvecklingsnämndens förslag.", "regionala utvecklingsnämnden"),
    ("Beslut\nKommunstyrelsen beslutar enligt förslaget.", "Kommunstyrelsen beslutar enligt förslaget.", None),
    ("Beslut i kommunstyrelsen\nKommunstyrelsen beslutar att anta planen.", "Kommunstyrelsen beslutar att anta planen.", None),
    ("Kommunstyrelsen beslut\nKommunstyrelsen beslutar att anta planen.", "Kommunstyrelsen beslutar att anta planen.", None),
    ("Beslutsformulering\nKommunstyrelsen beslutar att anta planen.", "Kommunstyrelsen beslutar att anta planen.", None),
    ("Kommunstyrelsen föreslår kommunfullmäktige besluta att anta planen.",
     "Kommunstyrelsen föreslår kommunfullmäktige besluta att anta planen.", None),
    ("Nämndens beslut\n1. Planen antas.\n2. Uppdraget avslutas.\nBeslutsunderlag\nTjänsteskrivelse",
     "1. Planen antas. 2. Uppdraget avslutas.", None),
    ("Styrelsens beslut\nStyrelsen beslutar\natt godkänna rapporten;\natt uppdra åt direktören att återkomma; samt\n"
     "att ärendet är avslutat.",
     "Styrelsen beslutar att godkänna rapporten; att uppdra åt direktören att återkomma; samt att ärendet är avslutat.",
     None),
    ("Ärendebeskrivning\nFörvaltningen har tagit fram en plan.\nKommunstyrelsen beslutar att anta planen.",
     "Kommunstyrelsen beslutar att anta planen.", None),
    ("Då inga extra ärenden föreligger beslutar kommunstyrelsen att fastställa dagordningen.",
     "Då inga extra ärenden föreligger beslutar kommunstyrelsen att fastställa dagordningen.", None),
    ("Ordföranden redogör för ärendet. Därefter beslutar nämnden att lägga informationen till handlingarna.",
     "Därefter beslutar nämnden att lägga informationen till handlingarna.", None),
    ("Kommunstyrelsen beslutar att:\n1. Anta planen.\n2. Uppdra åt kommundirektören att verkställa.\nPlanen gäller 2025.",
     "Kommunstyrelsen beslutar att: 1. Anta planen. 2. Uppdra åt kommundirektören att verkställa.", None),
    ("Ordförandens förslag\nNämnden beslutar att anta planen.\nNämnden beslutar enligt ordförandens förslag.",
     "Nämnden beslutar enligt ordförandens förslag.", "ordföranden"),
    ("Yrkanden\nAnna Alm (S) yrkar bifall.\nBeslutsgång\nOrdföranden ställer proposition på arbetsutskottets förslag och "
     "finner att kommunstyrelsen bifaller det.\nKommunstyrelsens beslut\nKommunstyrelsen beslutar att anta planen.",
     "Kommunstyrelsen beslutar att anta planen.", None),
    ("Beslutsgång\nOrdföranden finner att kommunstyrelsen bifaller arbetsutskottets förslag.\nKommunstyrelsens beslut\n"
     "Kommunstyrelsen beslutar att anta planen.", "Kommunstyrelsen beslutar att anta planen.", "arbetsutskottet"),
]


@pytest.mark.parametrize(("body", "decision", "proposer"), DECISIONS)
def test_decision_from_its_lead_in(body: str, decision: str, proposer: str | None) -> None:
    para = paragraph(body)
    assert para["decision"] == decision
    assert para["on_proposal_of"] == proposer


PROPOSALS_ONLY = [
    "Förslag till beslut\nKommunstyrelsen beslutar att anta planen.",
    "Arbetsutskottets förslag\nKommunstyrelsen beslutar att anta planen.",
    "Ordförandens förslag\nKommunstyrelsen beslutar att anta planen.",
    "Förvaltningens förslag\nKommunstyrelsen beslutar att anta planen.",
    "Beslutsunderlag\nKommunstyrelsens beslut 2024-01-10 § 4\nTjänsteskrivelse 2024-01-02",
    "Ärendebeskrivning\nKommunfullmäktige beslutade 2019 att anta planen.",
]


@pytest.mark.parametrize("body", PROPOSALS_ONLY)
def test_a_proposal_or_a_past_decision_is_never_the_decision(body: str) -> None:
    assert paragraph(body)["decision"] is None


def test_an_arbetsutskotts_proposal_to_the_board_is_what_it_decided() -> None:
    body = (
        "Förvaltningens förslag\nKommunstyrelsen beslutar att anta planen.\n"
        "Arbetsutskottets förslag till kommunstyrelsen\nKommunstyrelsen beslutar att anta planen med ändringen att den gäller från 2026."
    )
    decided = "Kommunstyrelsen beslutar att anta planen med ändringen att den gäller från 2026."
    assert paragraph(body, committee="Kommunstyrelsens arbetsutskott")["decision"] == decided
    assert paragraph(body, committee="Kommunstyrelsen")["decision"] is None


def test_the_meetings_own_decision_heading_comes_first() -> None:
    body = (
        "Kommunstyrelsens beslut\nKommunstyrelsen föreslår kommunfullmäktige besluta att anta planen.\n"
        "Kommunfullmäktiges beslut\nKommunfullmäktige beslutar att anta planen."
    )
    assert paragraph(body, committee="Kommunfullmäktige")["decision"] == "Kommunfullmäktige beslutar att anta planen."


# --------------------------------------------------------------------------
# Paragraph headings and case numbers
# --------------------------------------------------------------------------

HEADINGS = [
    ("§ 12 Budget 2025\nDnr KS 2024/12", "Budget 2025", "KS 2024/12"),
    ("§ 12\nBudget 2025\nDnr KS 2024/12", "Budget 2025", "KS 2024/12"),
    ("KS § 12 KS/2018:298 - 001\nBudget 2025", "Budget 2025", "KS/2018:298 - 001"),
    ("KF § 12\nBudget 2025", "Budget 2025", None),
    ("KF § 12 Dnr KS 05-292 531\nBudget 2025", "Budget 2025", "KS 05-292 531"),
    ("§ 12 Budget 2025 Dnr KS 2024/12", "Budget 2025", "KS 2024/12"),
    ("KS § 12 KS/2018:298 - 001 Budget 2025", "Budget 2025", "KS/2018:298 - 001"),
    ("KF § 12 Dnr KS 05-292 531 Budget 2025", "Budget 2025", "KS 05-292 531"),
    ("§ 12 RS 2024/123 Budget 2025", "Budget 2025", "RS 2024/123"),
    ("§ 12 Dnr 2024/123\nBudget 2025", "Budget 2025", "2024/123"),
    ("§ 12\nBudget 2025\nRS 2024/123", "Budget 2025", "RS 2024/123"),
    ("§ 12\nBudget 2025\nRS 912-2025", "Budget 2025", "RS 912-2025"),
    ("§ 12\nBudget 2025\n24RS1759", "Budget 2025", "24RS1759"),
    ("§ 12\nBudget 2025\nNLL-00288-2024", "Budget 2025", "NLL-00288-2024"),
    ("§ 12\nBudget 2025\nKS 05-292 531", "Budget 2025", "KS 05-292 531"),
    ("§ 12\nBudget 2025\nDiarienr KS 2024/12", "Budget 2025", "KS 2024/12"),
    ("§ 12\nBudget 2025\nDiarienummer: 23RS11831", "Budget 2025", "23RS11831"),
    ("§ 12\nBudget 2025\nDiarienummer:\n23RS11831", "Budget 2025", "23RS11831"),
    ("§ 12\nBudget 2025\nÄrendenr BUN 2024/17", "Budget 2025", "BUN 2024/17"),
    ("§ 12\nBudget 2025\nÄrendenummer: BUN 2024/17", "Budget 2025", "BUN 2024/17"),
]


@pytest.mark.parametrize(("heading", "title", "case_number"), HEADINGS)
def test_heading_forms(heading: str, title: str, case_number: str | None) -> None:
    para = paragraph("Beslut\nKommunstyrelsen beslutar att anta budgeten.", heading=heading)
    assert (para["number"], para["title"], para["case_number"]) == (12, title, case_number)
    assert para["decision"] == "Kommunstyrelsen beslutar att anta budgeten."


def test_title_printed_before_its_paragraph_sign_on_one_line() -> None:
    text = (
        "Tekniska nämnden\nPROTOKOLL\nVal av justerare § 21\nNämnden beslutar att utse Anna Alm att justera.\n"
        "Taxa för vatten och avlopp 2025 § 22\nDnr TN 2024/77\nBeslut\nNämnden beslutar att anta taxan.\n"
        "Avslutning § 23\nOrdföranden avslutar mötet.\n"
    )
    assert looks_like_protocol(text)
    paragraphs = parse_protocol(text).to_dict()["paragraphs"]
    assert [(p["number"], p["title"], p["case_number"], p["decision"]) for p in paragraphs] == [
        (21, "Val av justerare", None, "Nämnden beslutar att utse Anna Alm att justera."),
        (22, "Taxa för vatten och avlopp 2025", "TN 2024/77", "Nämnden beslutar att anta taxan."),
        (23, "Avslutning", None, None),
    ]


@pytest.mark.parametrize(
    ("raw", "party"),
    [("s", "S"), ("S", "S"), ("m", "M"), ("fp", "FP"), ("FP", "FP"), ("kd", "KD"), ("Kd", "KD"), ("KD", "KD"),
     ("mp", "MP"), ("SD", "SD"), ("sd", "SD"), ("V", "V"), ("c", "C"), ("L", "L"), ("Sjvp", "SJVP"), ("-", "-"),
     ("se", None), ("bilaga 1", None)],
)
def test_parties_in_any_case_become_upper_case_abbreviations(raw: str, party: str | None) -> None:
    assert clean_party(raw) == party


# --------------------------------------------------------------------------
# Votes
# --------------------------------------------------------------------------

COUNTS = [
    ("Med 8 ja-röster mot 7 nej-röster beslutar nämnden att bifalla förslaget.", {"ja": 8, "nej": 7}),
    ("Vid omröstningen avges 8 ja-röster, 7 nej-röster och 1 avstår.", {"ja": 8, "nej": 7, "avstår": 1}),
    ("Omröstningsresultat: 8 ja, 7 nej, 1 avstår.", {"ja": 8, "nej": 7, "avstår": 1}),
    ("Med åtta ja-röster mot sju nej-röster och en som avstår bifalls förslaget.", {"ja": 8, "nej": 7, "avstår": 1}),
    ("Omröstningen utfaller med 31 ja-röster, 28 nej-röster, 2 som avstår och 4 frånvarande.",
     {"ja": 31, "nej": 28, "avstår": 2, "frånvarande": 4}),
    ("Vid voteringen avgavs 10 ja-röster och 5 nej-röster medan 2 ledamöter avstod från att rösta.",
     {"ja": 10, "nej": 5, "avstår": 2}),
    ("Med tjugo ja mot tretton nej beslutar fullmäktige att bifalla.", {"ja": 20, "nej": 13}),
    ("Omröstningsresultat: Ja 8, Nej 5, Avstår 0.", {"ja": 8, "nej": 5, "avstår": 0}),
    ("Fullmäktige sammanträder den 6 januari.", {}),
]


@pytest.mark.parametrize(("sentence", "counts"), COUNTS)
def test_printed_counts(sentence: str, counts: dict) -> None:
    assert counts_in(sentence) == counts


MEMBER_LISTS = [
    "För ja röstar: Anna Alm (S), Bo Berg (V) och Cia Cho (C).\nFör nej röstar: Dan Dahl (M) och Eva Ek (KD).",
    "Ja-röster: Anna Alm (S), Bo Berg (V), Cia Cho (C)\nNej-röster: Dan Dahl (M), Eva Ek (KD)",
    "Följande röstar ja: Anna Alm (S), Bo Berg (V),\nCia Cho (C).\nFöljande ledamöter röstar nej: Dan Dahl (M) och\nEva Ek (KD).",
    "Ja: Anna Alm (S), Bo Berg (V), Cia Cho (C)\nNej: Dan Dahl (M), Eva Ek (KD)",
    "Anna Alm (S), Bo Berg (V) och Cia Cho (C) röstar ja. Dan Dahl (M) och Eva Ek (KD) röstar nej.",
    "Ja-röster (3): Anna Alm (S), Bo Berg (V), Cia Cho (C)\nNej-röster (2): Dan Dahl (M), Eva Ek (KD)",
    "Ledamot | Parti | Ja | Nej | Avstår\nAnna Alm | S | X | |\nBo Berg | V | X | |\nCia Cho | C | ✓ | |\n"
    "Dan Dahl | M | | X |\nEva Ek | KD | | X |",
    "Ledamot Parti Ja Nej Avstår\nAnna Alm S X - -\nBo Berg V X - -\nCia Cho C X - -\nDan Dahl M - X -\nEva Ek KD - X -",
    "Namn Parti Röst\nAnna Alm S Ja\nBo Berg V Ja\nCia Cho C Ja\nDan Dahl M Nej\nEva Ek KD Nej",
    "Ledamot        Parti   Ja   Nej   Avstår\nAnna Alm       S       X\nBo Berg        V       X\n"
    "Cia Cho        C       X\nDan Dahl       M            X\nEva Ek         KD           X",
]
FIVE = [("Anna Alm", "S", "ja"), ("Bo Berg", "V", "ja"), ("Cia Cho", "C", "ja"), ("Dan Dahl", "M", "nej"),
        ("Eva Ek", "KD", "nej")]


@pytest.mark.parametrize("listing", MEMBER_LISTS)
def test_names_per_side(listing: str) -> None:
    body = (
        "Beslutsgång\nOmröstning begärs och verkställs. Den som bifaller arbetsutskottets förslag röstar ja, den som "
        f"bifaller Dan Dahls (M) yrkande röstar nej.\n{listing}\nMed 3 ja-röster mot 2 nej-röster beslutar "
        "kommunstyrelsen att bifalla arbetsutskottets förslag.\nKommunstyrelsens beslut\nKommunstyrelsen beslutar att "
        "anta planen."
    )
    para = paragraph(body)
    assert len(para["votes"]) == 1
    vote = para["votes"][0]
    assert [(m["name"], m["party"], m["vote"]) for m in vote["members"]] == FIVE
    assert (vote["counts"]["ja"], vote["counts"]["nej"], vote["warnings"]) == (3, 2, [])
    assert (vote["yes_means"], vote["no_means"]) == ("arbetsutskottets förslag", "Dan Dahls (M) yrkande")
    assert vote["outcome"].startswith("Med 3 ja-röster mot 2 nej-röster beslutar")
    assert para["on_proposal_of"] == "arbetsutskottet"


def test_names_that_disagree_with_the_counts_are_kept_with_a_warning() -> None:
    body = "Votering begärs.\nJa: Anna Alm (S), Bo Berg (V)\nNej: Dan Dahl (M)\nMed 3 ja-röster mot 1 nej-röst bifalls förslaget."
    vote = paragraph(body)["votes"][0]
    assert (vote["counts"]["ja"], vote["counts"]["nej"]) == (3, 1)
    assert [m["vote"] for m in vote["members"]] == ["ja", "ja", "nej"]
    assert vote["warnings"] == ["printed counts (ja 3, nej 1) differ from the names read (ja 2, nej 1)"]


def test_rows_that_give_a_mark_but_not_its_column_are_not_guessed() -> None:
    table = read_table(["Ledamot Parti Ja Nej Avstår", "Anna Alm S X", "Bo Berg M X", "Summa 1 1 0"])
    assert table.members == []
    assert table.counts == {"ja": 1, "nej": 1, "avstår": 0}
    assert table.warnings == [
        "voting list: 2 row(s) give a mark but not its column (Anna Alm S X); those votes are not read"
    ]


def test_closed_ballot_has_counts_but_no_names() -> None:
    body = "Sluten omröstning genomförs. Med 9 ja-röster mot 4 nej-röster och 2 blanka röster har nämnden bifallit förslaget."
    votes = paragraph(body)["votes"]
    assert [(v["kind"], v["counts"]["ja"], v["counts"]["nej"], v["members"]) for v in votes] == [("closed", 9, 4, [])]


def test_casting_vote_and_two_votes_in_one_paragraph() -> None:
    body = (
        "Omröstning begärs om återremiss. Med 5 ja-röster mot 5 nej-röster och ordförandens utslagsröst beslutar "
        "nämnden att avgöra ärendet idag.\nOmröstning begärs och verkställs. Den som vill bifalla förslaget röstar ja, den "
        "som vill avslå det röstar nej. Med 6 ja-röster mot 4 nej-röster beslutar nämnden att bifalla förslaget."
    )
    votes = paragraph(body)["votes"]
    assert [(v["ordinal"], v["casting_vote"], v["counts"]["ja"], v["counts"]["nej"]) for v in votes] == [
        (1, True, 5, 5), (2, False, 6, 4),
    ]
    assert (votes[1]["yes_means"], votes[1]["no_means"]) == ("förslaget", "avslå det")


def test_meaning_over_two_sentences_and_counts_printed_twice() -> None:
    body = (
        "Beslutsgång\nOmröstning begärs och ska genomföras. Följande propositionsordning godkänns: Ja-röst för "
        "arbetsutskottets förslag.\nNej-röst för Anna Anderssons (M) yrkande.\nOmröstningsresultat: Ja 8, Nej 5, Avstår 0.\n"
        "Med 8 ja-röster mot 5 nej-röster beslutar kommunstyrelsen enligt arbetsutskottets förslag.\nBeslut\n"
        "Kommunstyrelsen beslutar enligt arbetsutskottets förslag."
    )
    votes = paragraph(body)["votes"]
    assert [(v["yes_means"], v["no_means"], v["counts"]["ja"], v["counts"]["nej"], v["counts"]["avstår"]) for v in votes] == [
        ("arbetsutskottets förslag", "Anna Anderssons (M) yrkande", 8, 5, 0)
    ]
    assert votes[0]["outcome"] == "Med 8 ja-röster mot 5 nej-röster beslutar kommunstyrelsen enligt arbetsutskottets förslag."


def test_no_vote_without_one() -> None:
    assert paragraph("Ingen omröstning begärs.\nBeslut\nKommunstyrelsen beslutar att anta planen.")["votes"] == []


def test_voting_list_in_an_appendix_is_attached_to_the_paragraph_it_names() -> None:
    text = (
        "Kommunfullmäktige\nPROTOKOLL\n§ 44\nVal av justerare\nBeslut\nAnna Alm utses.\n§ 45\nMotion om parkering\n"
        "Omröstning begärs och verkställs. Med 3 ja-röster mot 2 nej-röster bifalls motionen. Se bilaga 1.\n"
        "Beslut\nKommunfullmäktige beslutar att bifalla motionen.\n§ 46\nAvslutning\nMötet avslutas.\n"
        "Vid protokollet\nEva Ek\nBilaga 1 Omröstningslista\nKommunfullmäktige 2024-05-27 § 45\n"
        "Ledamot | Parti | Ja | Nej\nAnna Alm | S | X |\nBo Berg | V | X |\nCia Cho | C | X |\nDan Dahl | M | | X\n"
        "Eva Ek | KD | | X\n"
    )
    parsed = parse_protocol(text).to_dict()
    votes = parsed["paragraphs"][1]["votes"]
    assert [(m["name"], m["party"], m["vote"]) for m in votes[0]["members"]] == FIVE
    assert votes[0]["warnings"] == [] and len(votes) == 1
    assert "Anna Alm | S | X |" not in parsed["paragraphs"][2]["text"]
    assert parsed["signatures"]["sekreterare"] == "Eva Ek"


# --------------------------------------------------------------------------
# Conflicts of interest
# --------------------------------------------------------------------------

RECUSALS = [
    ("Anna Alm (S) anmäler jäv och deltar inte i handläggningen av ärendet.", [("Anna Alm", "S")]),
    ("Anna Alm anmäler jäv och lämnar sammanträdet.", [("Anna Alm", None)]),
    ("På grund av jäv deltar Bo Berg (M) inte i handläggningen.", [("Bo Berg", "M")]),
    ("Bo Berg (M) deltar inte i handläggningen på grund av jäv.", [("Bo Berg", "M")]),
    ("Anna Alm (S) och Bo Berg (M) anmäler jäv.", [("Anna Alm", "S"), ("Bo Berg", "M")]),
    ("Anna Alm (S) anmäler jäv och deltar inte i handläggningen; Cia Cho (S) tjänstgör istället.", [("Anna Alm", "S")]),
    ("Cia Cho (S) ersätter Anna Alm (S) under ärendet på grund av jäv.", [("Anna Alm", "S")]),
    ("Inget jäv anmäls.", []),
    ("Frågan om jäv behandlades inte.", []),
]


@pytest.mark.parametrize(("sentence", "recused"), RECUSALS)
def test_recusals(sentence: str, recused: list) -> None:
    para = paragraph(f"Jäv\n{sentence}\nBeslut\nKommunstyrelsen beslutar att anta planen.")
    assert [(r["name"], r["party"]) for r in para["recusals"]] == recused
    assert all(r["text"] == sentence for r in para["recusals"])


def test_a_voting_list_inside_the_last_paragraph_stays_there() -> None:
    text = (
        "Kommunfullmäktige\nPROTOKOLL\n§ 44\nVal av justerare\nBeslut\nAnna Alm utses.\n§ 45\nMotion om parkering\n"
        "Votering begärs och verkställs.\nOmröstningslista\nLedamot | Parti | Ja | Nej\nAnna Alm | S | X |\n"
        "Dan Dahl | M | | X\nMed 1 ja-röst mot 1 nej-röst och ordförandens utslagsröst bifalls motionen.\n"
        "Beslut\nKommunfullmäktige beslutar att bifalla motionen.\n"
    )
    parsed = parse_protocol(text).to_dict()
    vote = parsed["paragraphs"][1]["votes"][0]
    assert [(m["name"], m["vote"]) for m in vote["members"]] == [("Anna Alm", "ja"), ("Dan Dahl", "nej")]
    assert vote["casting_vote"] is True and vote["warnings"] == []
    assert parsed["paragraphs"][1]["decision"] == "Kommunfullmäktige beslutar att bifalla motionen."
