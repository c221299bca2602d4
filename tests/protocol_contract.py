"""Protocol dicts with the keys the protocol parser gives for roll-call votes, recusals and the
quality of the reading (``on_proposal_of``, ``page``, ``votes``, ``recusals``, ``quality``), built
by hand: the rows downstream are tested on these, whatever the parser reads today."""

from __future__ import annotations

import copy


def member(name: str, party: str | None, vote: str) -> dict:
    return {"name": name, "party": party, "vote": vote}


def roll_call(ordinal: int = 1, members: list[dict] | None = None, counts: dict | None = None, **extra) -> dict:
    """An open vote: 2 ja (Anna Exempelsson, Cecilia Testdotter), 1 nej (Bertil Provsson), as printed."""
    vote = {
        "ordinal": ordinal, "kind": "open", "question": "bifall till arbetsutskottets förslag",
        "yes_means": "arbetsutskottets förslag", "no_means": "Bertil Provssons (M) yrkande om avslag",
        "counts": counts if counts is not None else {"ja": 2, "nej": 1, "avstår": None, "frånvarande": None},
        "outcome": "arbetsutskottets förslag", "casting_vote": False,
        "members": members if members is not None else [
            member("Anna Exempelsson", "S", "ja"), member("Bertil Provsson", "M", "nej"),
            member("Cecilia Testdotter", "C", "ja")],
        "warnings": [],
    }
    return {**vote, **extra}


def closed_ballot(ordinal: int = 2, **extra) -> dict:
    """A closed ballot decided by the chair's casting vote: counts only."""
    return roll_call(ordinal, members=[], counts={"ja": 7, "nej": 8, "avstår": 0, "frånvarande": None},
                     **{"kind": "closed", "outcome": "Bertil Provssons (M) yrkande", "casting_vote": True, **extra})


def recusal(name: str = "David Demosson", party: str | None = "S") -> dict:
    return {"name": name, "party": party, "text": f"{name} ({party}) anmäler jäv och deltar inte i handläggningen."}


QUALITY = {"paragraphs": 5, "with_decision": 2, "with_case_number": 4, "attendance": 0, "attendance_listed": False,
           "votes": 2, "votes_mismatched": 1, "decision_share": 0.4, "unknown_template": True}


def with_contract(protocol: dict, number: int | None = None, votes: list[dict] | None = None,
                  recusals: list[dict] | None = None, quality: dict | None = None) -> dict:
    """A copy of a parsed protocol dict with the new keys on every paragraph, and votes and recusals
    on paragraph ``number`` (the first when None)."""
    result = copy.deepcopy(protocol)
    paragraphs = result["paragraphs"]
    target = next((p for p in paragraphs if p["number"] == number), paragraphs[0]) if number is not None else paragraphs[0]
    for page, paragraph in enumerate(paragraphs, 2):
        paragraph.update(on_proposal_of=None, page=page, votes=[], recusals=[])
    target.update(on_proposal_of="arbetsutskottet",
                  votes=votes if votes is not None else [roll_call(), closed_ballot()],
                  recusals=recusals if recusals is not None else [recusal()])
    result["quality"] = quality if quality is not None else dict(QUALITY)
    return result
