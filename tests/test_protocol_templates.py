"""The protocol parser on six templates written from the conventions of Swedish protocols.

Each template is a protocol of another kind of body and another layout than
the Region Norrbotten fixture: a kommunstyrelse (`KS § 80 KS/2018:298 - 001`
headings, parties in lower case), a kommunfullmäktige of 2005 (`KF § 128`,
`Dnr KS 05-292 531`, roll-call votes with the names per side), a nämnd
(`Beslut:` on the line, decisions without a heading), a region (`Regionstyrelsens
beslut`, `på finansutskottets förslag`, voting lists in appendices), an
utskott (jäv and a substitute, a voting list printed as a table) and a
landsting protocol of 2005 printing each title above its `§ N`. Each comes
with a golden list per paragraph; the accuracy over all of them is printed
(`pytest -s`) and must be 100 %. Two templates also go through a PDF
(`make_text_pdf` -> `extract_text`) and keep their pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from scraper.documents.protocol import parse_protocol
from scraper.documents.text import extract_text
from scraper.replica.pdfmake import make_text_pdf

# --------------------------------------------------------------------------
# The templates
# --------------------------------------------------------------------------

KOMMUNSTYRELSE = """\
Norrvik kommun
KOMMUNSTYRELSEN
SAMMANTRÄDESPROTOKOLL
Sammanträdesdatum 2018-10-08
Sida 1 (3)
Plats och tid Kommunhuset, sammanträdesrum Ängen, kl 13.00-15.45
Beslutande Anna Ahlström (m), ordförande
Bertil Bengtsson (s), 1:e vice ordförande
Cecilia Carlsson (c)
David Dahlberg (kd)
Eva Eriksson (mp)
Fredrik Falk (fp)
Gunilla Gren (sd), tjänstgörande ersättare för Hans Holm (sd)
Ersättare Ingrid Isaksson (s)
Jonas Jakobsson (m)
Övriga närvarande Karl Karlsson, kommundirektör
Lena Lind, ekonomichef, § 81
Maria Mattsson, kommunsekreterare
Föredragande Nils Nyberg, planchef, § 82
Utses att justera Bertil Bengtsson
Justeringens plats och tid Kommunhuset 2018-10-10
Underskrifter Sekreterare .................... Paragrafer 80-83
Maria Mattsson
Ordförande ....................
Anna Ahlström
Justerande ....................
Bertil Bengtsson
\f
Norrvik kommun
KOMMUNSTYRELSEN
SAMMANTRÄDESPROTOKOLL
Sammanträdesdatum 2018-10-08
Sida 2 (3)
KS § 80 KS/2018:298 - 001
Val av justerare
Kommunstyrelsen beslutar att utse Bertil Bengtsson (s) att justera protokollet.
KS § 81 KS/2018:112 - 041
Delårsrapport per augusti 2018
Ärendebeskrivning
Ekonomiavdelningen har upprättat en delårsrapport per den 31 augusti 2018. Resultatet
uppgår till 24 miljoner kronor, vilket är 6 miljoner kronor bättre än budget.
Beslutsunderlag
Tjänsteskrivelse från ekonomichefen 2018-09-20
Delårsrapport per augusti 2018
Arbetsutskottets förslag
Kommunstyrelsen föreslår kommunfullmäktige besluta att godkänna delårsrapporten.
Kommunstyrelsens beslut
Kommunstyrelsen beslutar på arbetsutskottets förslag att föreslå kommunfullmäktige besluta
att godkänna delårsrapport per augusti 2018, samt
att uppdra åt nämnderna att vidta åtgärder för en budget i balans.
Beslutet skickas till
Kommunfullmäktige
Samtliga nämnder
Justerandes sign Utdragsbestyrkande
\f
Norrvik kommun
KOMMUNSTYRELSEN
SAMMANTRÄDESPROTOKOLL
Sammanträdesdatum 2018-10-08
Sida 3 (3)
KS § 82 KS/2018:256 - 214
Detaljplan för Ängen 2:14, antagande
Ärendebeskrivning
Planförslaget har varit utställt för granskning under sommaren 2018. Inkomna synpunkter
redovisas i ett granskningsutlåtande.
Arbetsutskottets förslag
Kommunstyrelsen beslutar att anta detaljplanen.
Yrkanden
Anna Ahlström (m) yrkar bifall till arbetsutskottets förslag.
Eva Eriksson (mp) yrkar avslag.
Beslutsgång
Ordföranden ställer proposition på förslagen och finner att kommunstyrelsen bifaller
arbetsutskottets förslag.
Kommunstyrelsens beslut
Kommunstyrelsen beslutar på arbetsutskottets förslag att anta detaljplan för Ängen 2:14.
Reservation
Eva Eriksson (mp) reserverar sig mot beslutet.
Beslutet skickas till
Samhällsbyggnadsförvaltningen
KS § 83 KS/2018:301 - 100
Sammanträdestider 2019
Kommunstyrelsen föreslår kommunfullmäktige besluta att fastställa sammanträdestider för
2019 enligt bilaga.
Justerandes sign Utdragsbestyrkande
"""

KOMMUNFULLMAKTIGE = """\
Ekby kommun
Kommunfullmäktige
PROTOKOLL
Sammanträdesdatum 2005-11-28
Plats och tid Kommunhuset, fullmäktigesalen, måndagen den 28 november 2005 kl 18.30-21.10
Beslutande
Olof Olsson (s), ordförande
Pia Persson (m), 1:e vice ordförande
Rune Rask (s)
Sara Sund (s)
Tore Tell (v)
Ulla Ulv (mp)
Viktor Vall (m)
Wilma Wik (fp)
Yngve Yxell (kd)
Åke Åberg (c)
Örjan Öst (m)
Övriga närvarande
Kerstin Kvist, kommunsekreterare
Justerare Pia Persson och Rune Rask
Paragrafer §§ 128-132
KF § 128
Val av justerare
Kommunfullmäktiges beslut
Kommunfullmäktige beslutar att utse Pia Persson (m) och Rune Rask (s) att justera dagens protokoll.
KF § 129
Anmälan av interpellation
Dnr KS 05-301 109
Wilma Wik (fp) har lämnat in en interpellation till kommunstyrelsens ordförande om skolskjutsar.
Kommunfullmäktiges beslut
Interpellationen får ställas och besvaras vid nästa sammanträde.
KF § 130 Dnr KS 05-310 041
Budget 2006 och ekonomisk plan 2007-2008
Kommunstyrelsens förslag
Kommunfullmäktige beslutar att fastställa budget för 2006 och ekonomisk plan för 2007-2008.
Yrkanden
Olof Olsson (s) yrkar bifall till kommunstyrelsens förslag.
Pia Persson (m) yrkar bifall till moderaternas budgetförslag.
Propositionsordning
Ordföranden ställer proposition på yrkandena och finner att fullmäktige bifaller
kommunstyrelsens förslag.
Omröstning begärs och verkställs.
Den som bifaller kommunstyrelsens förslag röstar ja, den som bifaller Pia Perssons (m)
yrkande röstar nej.
Vid omröstningen avges 6 ja-röster och 5 nej-röster.
För ja röstar: Olof Olsson (s), Rune Rask (s), Sara Sund (s), Tore Tell (v),
Ulla Ulv (mp) och Åke Åberg (c).
För nej röstar: Pia Persson (m), Viktor Vall (m), Wilma Wik (fp), Yngve Yxell (kd) och
Örjan Öst (m).
Med 6 ja-röster mot 5 nej-röster beslutar kommunfullmäktige enligt kommunstyrelsens förslag.
Kommunfullmäktiges beslut
Kommunfullmäktige beslutar enligt kommunstyrelsens förslag att fastställa budget för 2006
och ekonomisk plan för 2007-2008.
Reservation
Pia Persson (m), Viktor Vall (m), Wilma Wik (fp), Yngve Yxell (kd) och Örjan Öst (m)
reserverar sig mot beslutet.
KF § 131 Dnr KS 05-292 531
Motion om fria busskort för pensionärer
Ärendebeskrivning
Tore Tell (v) föreslår i en motion att kommunen inför fria busskort för pensionärer.
Kommunstyrelsens förslag
Kommunfullmäktige beslutar att avslå motionen.
Yrkanden
Tore Tell (v) yrkar bifall till motionen. Viktor Vall (m) yrkar återremiss.
Propositionsordning
Ordföranden ställer först proposition på om ärendet ska avgöras idag eller återremitteras
och finner att ärendet ska avgöras idag.
Votering begärs.
Den som vill att ärendet ska avgöras idag röstar ja, den som vill att ärendet ska
återremitteras röstar nej.
Med sju ja-röster mot fyra nej-röster beslutar fullmäktige att ärendet ska avgöras idag.
Ordföranden ställer därefter proposition på kommunstyrelsens förslag mot bifall till motionen och
finner att fullmäktige bifaller kommunstyrelsens förslag.
Votering begärs och verkställs.
Ja-röst för kommunstyrelsens förslag, nej-röst för bifall till motionen.
Ja: Olof Olsson (s), Pia Persson (m), Rune Rask (s), Sara Sund (s), Viktor Vall (m), Örjan Öst (m)
Nej: Tore Tell (v), Ulla Ulv (mp), Wilma Wik (fp)
Avstår: Yngve Yxell (kd)
Frånvarande: Åke Åberg (c)
Vid omröstningen avges 6 ja-röster, 3 nej-röster och 1 avstår.
Kommunfullmäktiges beslut
Kommunfullmäktige beslutar i enlighet med kommunstyrelsens förslag att avslå motionen.
KF § 132
Avslutning
Ordföranden förklarar sammanträdet avslutat.
"""

NAMND = """\
Barn- och utbildningsnämnden
Sammanträdesprotokoll
2024-04-17
Tid och plats: Stadshuset, rum Kvarnen, onsdagen den 17 april 2024 kl. 08.30–11.45
Närvarande ledamöter
Linnea Lund (S), ordförande
Mats Malm (M), vice ordförande
Nora Nilsson (S)
Oskar Olofsson (SD)
Tjänstgörande ersättare
Petra Pihl (KD) för Rolf Rydén (KD)
Närvarande ersättare
Sofia Stål (V)
Tjänstepersoner
Helén Hjort, förvaltningschef
Ingvar Ivarsson, nämndsekreterare
Jenny Jansson, controller, närvarande under § 14 för information
Justerare
Mats Malm
Paragrafer
§§ 12–16
§ 12
Val av justerare
Beslut: Barn- och utbildningsnämnden beslutar att utse Mats Malm (M) att justera protokollet.
§ 13
Godkännande av dagordning
Nämnden beslutar att godkänna dagordningen.
§ 14
Budgetuppföljning mars 2024
Diarienummer:
BUN 2024/17
Sammanfattning
Förvaltningen redovisar ett prognostiserat underskott på 3,2 miljoner kronor för helåret,
främst inom grundskolan.
Förvaltningens förslag
Barn- och utbildningsnämnden beslutar att godkänna budgetuppföljningen.
Jenny Jansson, controller, föredrar ärendet.
Barn- och utbildningsnämnden beslutar enligt förvaltningens förslag.
§ 15
Riktlinjer för skolskjuts
Ärendenr BUN 2023/214
Ärendebeskrivning
Riktlinjerna har reviderats efter synpunkter från vårdnadshavare och skolor.
Förslag till beslut
Nämnden beslutar att anta riktlinjerna.
Beslut:
Nämnden beslutar
att anta riktlinjer för skolskjuts enligt bilaga 1;
att riktlinjerna gäller från och med den 1 augusti 2024; samt
att uppdra åt förvaltningschefen att informera vårdnadshavarna.
Delges: Skolskjutsenheten, Vårdnadshavare
§ 16
Information om skolvalet
Dnr BUN 2024/3
Förvaltningschefen informerar om skolvalet inför höstterminen 2024. Då inga frågor
uppkommer beslutar nämnden att lägga informationen till handlingarna.
"""

REGION = """\
Region Dalarna
Regionstyrelsen
PROTOKOLL
Sammanträdesdatum 2025-02-11
Plats och tid: Regionhuset, Falun, kl. 09.00–15.30
Beslutande
Anna Andersson (S), ordförande
Bo Berg (M), 1:e vice ordförande
Cecilia Ceder (C), 2:e vice ordförande
Dan Dahl (S)
Elin Ek (S)
Filip Fors (V)
Greta Grahn (M)
Hugo Holm (SD)
Ines Ibsen (KD)
Johan Jarl (L)
Karin Kask (MP)
Lars Lindh (SD)
Tjänstgörande ersättare
Maja Moberg (S) för Nils Nord (S)
Övriga närvarande
Olle Oskarsson, regiondirektör
Pernilla Palm, ekonomidirektör
Sekreterare
Rebecka Rahm
§ 1 Fastställande av föredragningslista
Då inga extra ärenden föreligger beslutar regionstyrelsen att fastställa föredragningslistan.
§ 2 Regiondirektörens rapport
24RS1759
Regionstyrelsens beslut
Regionstyrelsen beslutar att lägga rapporten till handlingarna.
§ 3 Investeringsplan 2025–2027
RS 912-2025
Finansutskottets förslag
Regionstyrelsen beslutar att godkänna investeringsplanen.
Yrkanden
Anna Andersson (S) yrkar bifall till finansutskottets förslag.
Bo Berg (M) yrkar avslag på finansutskottets förslag.
Omröstning
Omröstning begärs och verkställs. Den som bifaller finansutskottets förslag röstar ja, den
som bifaller Bo Bergs (M) yrkande röstar nej. Med 7 ja-röster mot 5 nej-röster och 1 som
avstår beslutar regionstyrelsen att bifalla finansutskottets förslag. Omröstningslistan
framgår av omröstningsbilaga 1.
Regionstyrelsens beslut
Regionstyrelsen beslutar på finansutskottets förslag att:
1. Godkänna investeringsplan 2025–2027.
2. Uppdra åt regiondirektören att återkomma med en reviderad plan i juni 2025.
Reservation
Bo Berg (M), Greta Grahn (M), Hugo Holm (SD), Lars Lindh (SD) och Ines Ibsen (KD)
reserverar sig mot beslutet.
§ 4 Motion om fri parkering vid sjukhusen
Dnr RS 2024/123
Regionstyrelsens beslut
Regionstyrelsen föreslår regionfullmäktige besluta att avslå motionen.
Yrkanden
Hugo Holm (SD) yrkar bifall till motionen.
Votering
Votering begärs och verkställs, se omröstningsbilaga 2. Med 6 ja-röster mot 6 nej-röster
och 1 avstår beslutar regionstyrelsen med ordförandens utslagsröst enligt liggande förslag.
§ 5 Val av ombud till föreningsstämman
Ärendet
Valberedningen har inte enats om ett förslag.
Sluten omröstning begärs och verkställs. Elin Ek (S) erhåller 8 röster och Greta Grahn (M)
5 röster. Regionstyrelsen har därmed utsett Elin Ek (S) till ombud.
Regionstyrelsens beslut
Regionstyrelsen beslutar att utse Elin Ek (S) till ombud vid föreningsstämman.
§ 6 Avslutning
Ordföranden förklarar sammanträdet avslutat kl. 15.30.
Vid protokollet
Rebecka Rahm
Justeras
Anna Andersson Bo Berg
\f
Omröstningsbilaga 1
Regionstyrelsen 2025-02-11, § 3 Investeringsplan 2025–2027
Ledamot | Parti | Ja | Nej | Avstår
Anna Andersson | S | X | |
Bo Berg | M | | X |
Cecilia Ceder | C | X | |
Dan Dahl | S | X | |
Elin Ek | S | X | |
Filip Fors | V | X | |
Greta Grahn | M | | X |
Hugo Holm | SD | | X |
Ines Ibsen | KD | | X |
Johan Jarl | L | | | X
Karin Kask | MP | X | |
Lars Lindh | SD | | X |
Maja Moberg | S | X | |
Summa | | 7 | 5 | 1
\f
Omröstningsbilaga 2
Regionstyrelsen 2025-02-11, § 4 Motion om fri parkering vid sjukhusen
Ledamot Parti Röst
Anna Andersson S Ja
Bo Berg M Nej
Cecilia Ceder C Ja
Dan Dahl S Ja
Elin Ek S Ja
Filip Fors V Ja
Greta Grahn M Nej
Hugo Holm SD Nej
Ines Ibsen KD Nej
Johan Jarl L Avstår
Karin Kask MP Ja
Lars Lindh SD Nej
Maja Moberg S Ja
"""

UTSKOTT = """\
Socialnämndens arbetsutskott
PROTOKOLL
Sammanträdesdatum 2023-09-05
Plats och tid: Socialkontoret, rum Björken, kl. 13.15–16.00
Beslutande
Tuva Thorén (S), ordförande
Ulf Uddén (M), vice ordförande
Vera Vik (V)
Ersättare
Wilhelm Wall (S)
Övriga närvarande
Xenia Xu, socialchef
Ylva Yttergren, enhetschef, föredragande § 45
Åsa Åkesson, sekreterare
Justerare: Ulf Uddén
Paragrafer: 44–47
AU § 44 Val av justerare
Utskottets beslut
Arbetsutskottet beslutar att utse Ulf Uddén (M) att justera protokollet.
AU § 45 Ansökan om föreningsbidrag från Brottsofferjouren
Dnr SN 2023/88
Jäv
Tuva Thorén (S) anmäler jäv och deltar inte i handläggningen av ärendet. Wilhelm Wall (S)
tjänstgör istället. Vice ordföranden Ulf Uddén (M) leder sammanträdet under ärendet.
Ärendebeskrivning
Brottsofferjouren ansöker om 150 000 kronor i verksamhetsbidrag för 2024.
Ylva Yttergren, enhetschef, föredrar ärendet.
Förslag till beslut
Arbetsutskottet föreslår socialnämnden besluta att bevilja 100 000 kronor.
Utskottets beslut
Arbetsutskottet föreslår socialnämnden besluta att bevilja Brottsofferjouren 100 000 kronor i
verksamhetsbidrag för 2024.
AU § 46 Anmälan om placering
Dnr SN 2023/91
På grund av jäv deltar Vera Vik (V) inte i handläggningen av ärendet.
Utskottets beslut
Arbetsutskottet beslutar i enlighet med ordförandens förslag att godkänna placeringen.
AU § 47 Riktlinjer för ekonomiskt bistånd
Dnr SN 2023/12
Yrkanden
Vera Vik (V) yrkar att riktnormen höjs med 5 procent.
Ulf Uddén (M) yrkar bifall till förvaltningens förslag.
Votering
Votering begärs. Den som bifaller förvaltningens förslag röstar ja, den som bifaller Vera
Viks (V) yrkande röstar nej.
Ledamot            Parti   Ja   Nej   Avstår
Tuva Thorén        S            X
Ulf Uddén          M       X
Vera Vik           V            X
Omröstningsresultat: 1 ja, 2 nej, 0 avstår.
Arbetsutskottet har således beslutat enligt Vera Viks (V) yrkande.
Utskottets beslut
Arbetsutskottet föreslår socialnämnden besluta att höja riktnormen med 5 procent.
Reservation
Ulf Uddén (M) reserverar sig mot beslutet.
"""

LANDSTING_2005 = """\
SÖDERMANLANDS LÄNS LANDSTING
LANDSTINGSSTYRELSEN
PROTOKOLL
2005-03-15
Tid: 09.00-12.30
Plats: Landstingshuset, Nyköping
Närvarande: Enligt bifogad närvarolista
Sekreterare: Göran Gustavsson
Justerare: Ingrid Ivarsson (fp)
Val av justerare
§ 45
Landstingsstyrelsen beslutar att utse Ingrid Ivarsson (fp) att jämte ordföranden justera
protokollet.
Årsredovisning 2004
§ 46
Dnr LS 2005/0123
Landstingets årsredovisning för 2004 visar ett resultat på 12 miljoner kronor.
Beslut
Landstingsstyrelsen föreslår landstingsfullmäktige besluta
att godkänna årsredovisningen för 2004,
att överföra resultatet till eget kapital samt
att uppdra åt landstingsdirektören att redovisa åtgärder för en ekonomi i balans.
Investeringar i Mälarsjukhuset
§ 47
Dnr LS 2004/0877
Förslag till beslut
Landstingsstyrelsen beslutar att godkänna investeringen om 45 miljoner kronor.
Yrkande
Kjell Karlsson (m) yrkar avslag.
Omröstning
Omröstning begärs. Ja för förslaget, nej för Kjell Karlssons (m) avslagsyrkande.
Omröstningen utfaller med 9 ja-röster mot 6 nej-röster, varmed landstingsstyrelsen beslutat
enligt förslaget. Hur var och en röstat framgår av bilaga 1.
Beslut
Landstingsstyrelsen beslutar enligt förslaget.
Reservation
Kjell Karlsson (m) och Lena Lundin (kd) reserverar sig mot beslutet.
Övriga frågor
§ 48
Inga övriga frågor anmäls.
Vid protokollet
Göran Gustavsson
Justeras
Ingrid Ivarsson
Bilaga 1 till protokoll 2005-03-15 § 47
Omröstningslista
Ledamot
Parti
Ja
Nej
Anna-Lena Ahl
s
X
Bengt Bure
m
X
"""


# --------------------------------------------------------------------------
# Golden values
# --------------------------------------------------------------------------


@dataclass
class Expected:
    number: int
    title: str
    case_number: str | None
    decision: str | None
    on_proposal_of: str | None = None
    votes: list[dict] = field(default_factory=list)
    recusals: list[tuple[str, str | None]] = field(default_factory=list)


def vote(question, yes, no, counts, outcome, members=(), kind="open", casting=False) -> dict:
    ja, nej, avstar, franvarande = (list(counts) + [None] * 4)[:4]
    return {
        "kind": kind, "question": question, "yes_means": yes, "no_means": no,
        "counts": {"ja": ja, "nej": nej, "avstår": avstar, "frånvarande": franvarande},
        "outcome": outcome, "casting_vote": casting, "members": list(members),
    }


def side(choice: str, *people: str) -> list[tuple[str, str, str]]:
    """("Olof Olsson (S)", ...) -> [("Olof Olsson", "S", choice), ...]."""
    out = []
    for person in people:
        name, party = person[:-1].split(" (")
        out.append((name, party, choice))
    return out


GOLDEN: dict[str, list[Expected]] = {
    "kommunstyrelse": [
        Expected(80, "Val av justerare", "KS/2018:298 - 001",
                 "Kommunstyrelsen beslutar att utse Bertil Bengtsson (s) att justera protokollet."),
        Expected(81, "Delårsrapport per augusti 2018", "KS/2018:112 - 041",
                 "Kommunstyrelsen beslutar på arbetsutskottets förslag att föreslå kommunfullmäktige besluta att "
                 "godkänna delårsrapport per augusti 2018, samt att uppdra åt nämnderna att vidta åtgärder för en "
                 "budget i balans.", "arbetsutskottet"),
        Expected(82, "Detaljplan för Ängen 2:14, antagande", "KS/2018:256 - 214",
                 "Kommunstyrelsen beslutar på arbetsutskottets förslag att anta detaljplan för Ängen 2:14.",
                 "arbetsutskottet"),
        Expected(83, "Sammanträdestider 2019", "KS/2018:301 - 100",
                 "Kommunstyrelsen föreslår kommunfullmäktige besluta att fastställa sammanträdestider för 2019 enligt bilaga."),
    ],
    "kommunfullmäktige": [
        Expected(128, "Val av justerare", None,
                 "Kommunfullmäktige beslutar att utse Pia Persson (m) och Rune Rask (s) att justera dagens protokoll."),
        Expected(129, "Anmälan av interpellation", "KS 05-301 109",
                 "Interpellationen får ställas och besvaras vid nästa sammanträde."),
        Expected(130, "Budget 2006 och ekonomisk plan 2007-2008", "KS 05-310 041",
                 "Kommunfullmäktige beslutar enligt kommunstyrelsens förslag att fastställa budget för 2006 och "
                 "ekonomisk plan för 2007-2008.", "kommunstyrelsen", [vote(
                     "Den som bifaller kommunstyrelsens förslag röstar ja, den som bifaller Pia Perssons (m) yrkande "
                     "röstar nej.", "kommunstyrelsens förslag", "Pia Perssons (m) yrkande", (6, 5),
                     "Med 6 ja-röster mot 5 nej-röster beslutar kommunfullmäktige enligt kommunstyrelsens förslag.",
                     side("ja", "Olof Olsson (S)", "Rune Rask (S)", "Sara Sund (S)", "Tore Tell (V)", "Ulla Ulv (MP)",
                          "Åke Åberg (C)")
                     + side("nej", "Pia Persson (M)", "Viktor Vall (M)", "Wilma Wik (FP)", "Yngve Yxell (KD)",
                            "Örjan Öst (M)"))]),
        Expected(131, "Motion om fria busskort för pensionärer", "KS 05-292 531",
                 "Kommunfullmäktige beslutar i enlighet med kommunstyrelsens förslag att avslå motionen.",
                 "kommunstyrelsen", [
                     vote("Den som vill att ärendet ska avgöras idag röstar ja, den som vill att ärendet ska "
                          "återremitteras röstar nej.", "att ärendet ska avgöras idag", "att ärendet ska återremitteras",
                          (7, 4), "Med sju ja-röster mot fyra nej-röster beslutar fullmäktige att ärendet ska avgöras idag."),
                     vote("Ja-röst för kommunstyrelsens förslag, nej-röst för bifall till motionen.",
                          "kommunstyrelsens förslag", "bifall till motionen", (6, 3, 1), None,
                          side("ja", "Olof Olsson (S)", "Pia Persson (M)", "Rune Rask (S)", "Sara Sund (S)",
                               "Viktor Vall (M)", "Örjan Öst (M)")
                          + side("nej", "Tore Tell (V)", "Ulla Ulv (MP)", "Wilma Wik (FP)")
                          + side("avstår", "Yngve Yxell (KD)") + side("frånvarande", "Åke Åberg (C)")),
                 ]),
        Expected(132, "Avslutning", None, None),
    ],
    "nämnd": [
        Expected(12, "Val av justerare", None,
                 "Barn- och utbildningsnämnden beslutar att utse Mats Malm (M) att justera protokollet."),
        Expected(13, "Godkännande av dagordning", None, "Nämnden beslutar att godkänna dagordningen."),
        Expected(14, "Budgetuppföljning mars 2024", "BUN 2024/17",
                 "Barn- och utbildningsnämnden beslutar enligt förvaltningens förslag.", "förvaltningen"),
        Expected(15, "Riktlinjer för skolskjuts", "BUN 2023/214",
                 "Nämnden beslutar att anta riktlinjer för skolskjuts enligt bilaga 1; att riktlinjerna gäller från och "
                 "med den 1 augusti 2024; samt att uppdra åt förvaltningschefen att informera vårdnadshavarna."),
        Expected(16, "Information om skolvalet", "BUN 2024/3",
                 "Då inga frågor uppkommer beslutar nämnden att lägga informationen till handlingarna."),
    ],
    "region": [
        Expected(1, "Fastställande av föredragningslista", None,
                 "Då inga extra ärenden föreligger beslutar regionstyrelsen att fastställa föredragningslistan."),
        Expected(2, "Regiondirektörens rapport", "24RS1759",
                 "Regionstyrelsen beslutar att lägga rapporten till handlingarna."),
        Expected(3, "Investeringsplan 2025–2027", "RS 912-2025",
                 "Regionstyrelsen beslutar på finansutskottets förslag att: 1. Godkänna investeringsplan 2025–2027.",
                 "finansutskottet", [vote(
                     "Den som bifaller finansutskottets förslag röstar ja, den som bifaller Bo Bergs (M) yrkande röstar nej.",
                     "finansutskottets förslag", "Bo Bergs (M) yrkande", (7, 5, 1),
                     "Med 7 ja-röster mot 5 nej-röster och 1 som avstår beslutar regionstyrelsen att bifalla "
                     "finansutskottets förslag.",
                     side("ja", "Anna Andersson (S)") + side("nej", "Bo Berg (M)")
                     + side("ja", "Cecilia Ceder (C)", "Dan Dahl (S)", "Elin Ek (S)", "Filip Fors (V)")
                     + side("nej", "Greta Grahn (M)", "Hugo Holm (SD)", "Ines Ibsen (KD)") + side("avstår", "Johan Jarl (L)")
                     + side("ja", "Karin Kask (MP)") + side("nej", "Lars Lindh (SD)") + side("ja", "Maja Moberg (S)"))]),
        Expected(4, "Motion om fri parkering vid sjukhusen", "RS 2024/123",
                 "Regionstyrelsen föreslår regionfullmäktige besluta att avslå motionen.", None, [vote(
                     None, None, None, (6, 6, 1),
                     "Med 6 ja-röster mot 6 nej-röster och 1 avstår beslutar regionstyrelsen med ordförandens "
                     "utslagsröst enligt liggande förslag.",
                     side("ja", "Anna Andersson (S)") + side("nej", "Bo Berg (M)")
                     + side("ja", "Cecilia Ceder (C)", "Dan Dahl (S)", "Elin Ek (S)", "Filip Fors (V)")
                     + side("nej", "Greta Grahn (M)", "Hugo Holm (SD)", "Ines Ibsen (KD)")
                     + side("avstår", "Johan Jarl (L)") + side("ja", "Karin Kask (MP)") + side("nej", "Lars Lindh (SD)")
                     + side("ja", "Maja Moberg (S)"), casting=True)]),
        Expected(5, "Val av ombud till föreningsstämman", None,
                 "Regionstyrelsen beslutar att utse Elin Ek (S) till ombud vid föreningsstämman.", None, [vote(
                     None, None, None, (), "Regionstyrelsen har därmed utsett Elin Ek (S) till ombud.", kind="closed")]),
        Expected(6, "Avslutning", None, None),
    ],
    "utskott": [
        Expected(44, "Val av justerare", None, "Arbetsutskottet beslutar att utse Ulf Uddén (M) att justera protokollet."),
        Expected(45, "Ansökan om föreningsbidrag från Brottsofferjouren", "SN 2023/88",
                 "Arbetsutskottet föreslår socialnämnden besluta att bevilja Brottsofferjouren 100 000 kronor i "
                 "verksamhetsbidrag för 2024.", recusals=[("Tuva Thorén", "S")]),
        Expected(46, "Anmälan om placering", "SN 2023/91",
                 "Arbetsutskottet beslutar i enlighet med ordförandens förslag att godkänna placeringen.", "ordföranden",
                 recusals=[("Vera Vik", "V")]),
        Expected(47, "Riktlinjer för ekonomiskt bistånd", "SN 2023/12",
                 "Arbetsutskottet föreslår socialnämnden besluta att höja riktnormen med 5 procent.", None, [vote(
                     "Den som bifaller förvaltningens förslag röstar ja, den som bifaller Vera Viks (V) yrkande röstar nej.",
                     "förvaltningens förslag", "Vera Viks (V) yrkande", (1, 2, 0),
                     "Arbetsutskottet har således beslutat enligt Vera Viks (V) yrkande.",
                     side("nej", "Tuva Thorén (S)") + side("ja", "Ulf Uddén (M)") + side("nej", "Vera Vik (V)"))]),
    ],
    "landsting 2005": [
        Expected(45, "Val av justerare", None,
                 "Landstingsstyrelsen beslutar att utse Ingrid Ivarsson (fp) att jämte ordföranden justera protokollet."),
        Expected(46, "Årsredovisning 2004", "LS 2005/0123",
                 "Landstingsstyrelsen föreslår landstingsfullmäktige besluta att godkänna årsredovisningen för 2004, att "
                 "överföra resultatet till eget kapital samt att uppdra åt landstingsdirektören att redovisa åtgärder "
                 "för en ekonomi i balans."),
        Expected(47, "Investeringar i Mälarsjukhuset", "LS 2004/0877", "Landstingsstyrelsen beslutar enligt förslaget.",
                 None, [vote("Ja för förslaget, nej för Kjell Karlssons (m) avslagsyrkande.", "förslaget",
                             "Kjell Karlssons (m) avslagsyrkande", (9, 6),
                             "Omröstningen utfaller med 9 ja-röster mot 6 nej-röster, varmed landstingsstyrelsen beslutat "
                             "enligt förslaget.")]),
        Expected(48, "Övriga frågor", None, None),
    ],
}

TEMPLATES = {
    "kommunstyrelse": KOMMUNSTYRELSE,
    "kommunfullmäktige": KOMMUNFULLMAKTIGE,
    "nämnd": NAMND,
    "region": REGION,
    "utskott": UTSKOTT,
    "landsting 2005": LANDSTING_2005,
}
FIELDS = ("number", "title", "case_number", "decision", "on_proposal_of", "votes", "recusals")


def vote_view(got: dict) -> dict:
    view = {key: got[key] for key in ("kind", "question", "yes_means", "no_means", "counts", "outcome", "casting_vote")}
    view["members"] = [(m["name"], m["party"], m["vote"]) for m in got["members"]]
    return view


def compare(paragraphs: list[dict], golden: list[Expected]) -> dict[str, tuple[int, int, list[str]]]:
    """Per field: (matched, total, misses) of the parsed paragraphs against the golden list."""
    by_number = {p["number"]: p for p in paragraphs}
    scores: dict[str, tuple[int, int, list[str]]] = {name: (0, 0, []) for name in FIELDS}

    def add(name: str, ok: bool, miss: str) -> None:
        matched, total, misses = scores[name]
        scores[name] = (matched + ok, total + 1, misses + ([] if ok else [miss]))

    add("number", [p["number"] for p in paragraphs] == [e.number for e in golden],
        f"numbers {[p['number'] for p in paragraphs]}")
    for want in golden:
        got = by_number.get(want.number, {})
        add("title", got.get("title") == want.title, f"§ {want.number} title {got.get('title')!r}")
        add("case_number", got.get("case_number") == want.case_number, f"§ {want.number} case {got.get('case_number')!r}")
        decision = got.get("decision")
        ok = decision is None if want.decision is None else bool(decision) and decision.startswith(want.decision)
        add("decision", ok, f"§ {want.number} decision {decision!r}")
        add("on_proposal_of", got.get("on_proposal_of") == want.on_proposal_of,
            f"§ {want.number} on_proposal_of {got.get('on_proposal_of')!r}")
        votes = [vote_view(v) for v in got.get("votes", [])]
        add("votes", votes == want.votes, f"§ {want.number} votes {votes!r}")
        recusals = [(r["name"], r["party"]) for r in got.get("recusals", [])]
        add("recusals", recusals == want.recusals, f"§ {want.number} recusals {recusals!r}")
    return scores


@pytest.fixture(scope="module")
def parsed() -> dict[str, dict]:
    return {name: parse_protocol(text).to_dict() for name, text in TEMPLATES.items()}


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_paragraphs_against_golden(parsed: dict[str, dict], name: str) -> None:
    scores = compare(parsed[name]["paragraphs"], GOLDEN[name])
    assert [miss for _, _, misses in scores.values() for miss in misses] == []


def test_accuracy_over_all_templates(parsed: dict[str, dict]) -> None:
    matched = total = 0
    lines = []
    for name in TEMPLATES:
        scores = compare(parsed[name]["paragraphs"], GOLDEN[name])
        m, t = sum(s[0] for s in scores.values()), sum(s[1] for s in scores.values())
        matched, total = matched + m, total + t
        lines.append(f"{name:<20} {m:>3}/{t:<3} " + "  ".join(f"{f} {s[0]}/{s[1]}" for f, s in scores.items()))
    print("\naccuracy on the template protocols\n" + "\n".join(lines) + f"\noverall {matched}/{total} = {100 * matched / total:.1f} %")
    assert matched == total


# --------------------------------------------------------------------------
# Attendance, quality, warnings and pages of the templates
# --------------------------------------------------------------------------

ATTENDANCE = {
    "kommunstyrelse": [
        ("Anna Ahlström", "M", "ordförande", None, None, "Beslutande"),
        ("Bertil Bengtsson", "S", "1:e vice ordförande", None, None, "Beslutande"),
        ("Cecilia Carlsson", "C", "ledamot", None, None, "Beslutande"),
        ("David Dahlberg", "KD", "ledamot", None, None, "Beslutande"),
        ("Eva Eriksson", "MP", "ledamot", None, None, "Beslutande"),
        ("Fredrik Falk", "FP", "ledamot", None, None, "Beslutande"),
        ("Gunilla Gren", "SD", "tjänstgörande ersättare", "Hans Holm", None, "Beslutande"),
        ("Ingrid Isaksson", "S", "ersättare", None, None, "Ersättare"),
        ("Jonas Jakobsson", "M", "ersättare", None, None, "Ersättare"),
        ("Karl Karlsson", None, "tjänsteperson", None, "kommundirektör", "Övriga närvarande"),
        ("Lena Lind", None, "tjänsteperson", None, "ekonomichef", "Övriga närvarande"),
        ("Maria Mattsson", None, "sekreterare", None, "kommunsekreterare", "Övriga närvarande"),
        ("Nils Nyberg", None, "föredragande", None, "planchef", "Föredragande"),
    ],
    "nämnd": [
        ("Linnea Lund", "S", "ordförande", None, None, "Närvarande ledamöter"),
        ("Mats Malm", "M", "vice ordförande", None, None, "Närvarande ledamöter"),
        ("Nora Nilsson", "S", "ledamot", None, None, "Närvarande ledamöter"),
        ("Oskar Olofsson", "SD", "ledamot", None, None, "Närvarande ledamöter"),
        ("Petra Pihl", "KD", "tjänstgörande ersättare", "Rolf Rydén", None, "Tjänstgörande ersättare"),
        ("Sofia Stål", "V", "ersättare", None, None, "Närvarande ersättare"),
        ("Helén Hjort", None, "tjänsteperson", None, "förvaltningschef", "Tjänstepersoner"),
        ("Ingvar Ivarsson", None, "sekreterare", None, "nämndsekreterare", "Tjänstepersoner"),
        ("Jenny Jansson", None, "föredragande", None, "controller", "Tjänstepersoner"),
    ],
    "utskott": [
        ("Tuva Thorén", "S", "ordförande", None, None, "Beslutande"),
        ("Ulf Uddén", "M", "vice ordförande", None, None, "Beslutande"),
        ("Vera Vik", "V", "ledamot", None, None, "Beslutande"),
        ("Wilhelm Wall", "S", "ersättare", None, None, "Ersättare"),
        ("Xenia Xu", None, "tjänsteperson", None, "socialchef", "Övriga närvarande"),
        ("Ylva Yttergren", None, "föredragande", None, "enhetschef", "Övriga närvarande"),
        ("Åsa Åkesson", None, "sekreterare", None, "sekreterare", "Övriga närvarande"),
    ],
}


@pytest.mark.parametrize("name", ATTENDANCE)
def test_attendance_keeps_roles_and_tells_officials_and_presenters_apart(parsed: dict[str, dict], name: str) -> None:
    rows = [tuple(a.values()) for a in parsed[name]["attendance"]]
    assert rows == ATTENDANCE[name]


def test_a_substitute_for_one_paragraph_leaves_the_attendance_as_printed(parsed: dict[str, dict]) -> None:
    utskott = parsed["utskott"]
    assert [a["name"] for a in utskott["attendance"]].count("Wilhelm Wall") == 1
    assert "Wilhelm Wall (S)\ntjänstgör istället." in utskott["paragraphs"][1]["text"]
    assert utskott["paragraphs"][1]["recusals"] == [{
        "name": "Tuva Thorén", "party": "S",
        "text": "Tuva Thorén (S) anmäler jäv och deltar inte i handläggningen av ärendet.",
    }]


QUALITY = {
    # paragraphs, with_decision, with_case_number, attendance, attendance_listed, votes, votes_mismatched, share, unknown
    "kommunstyrelse": (4, 4, 4, 13, True, 0, 0, 1.0, False),
    "kommunfullmäktige": (5, 4, 3, 12, True, 3, 0, 0.8, False),
    "nämnd": (5, 5, 3, 9, True, 0, 0, 1.0, False),
    "region": (6, 5, 3, 16, True, 3, 1, 0.833, False),
    "utskott": (4, 4, 3, 7, True, 1, 0, 1.0, False),
    "landsting 2005": (4, 3, 2, 1, False, 1, 0, 0.75, False),
}


@pytest.mark.parametrize("name", QUALITY)
def test_quality_report(parsed: dict[str, dict], name: str) -> None:
    assert tuple(parsed[name]["quality"].values()) == QUALITY[name]


def test_warnings_say_what_could_not_be_read(parsed: dict[str, dict]) -> None:
    assert parsed["region"]["warnings"] == [
        "§ 4, vote 1: printed counts (ja 6, nej 6, avstår 1) differ from the names read (ja 7, nej 5, avstår 1)"
    ]
    assert parsed["landsting 2005"]["warnings"] == [
        "§ 47, vote 1: voting list printed in columns split over lines: who voted how could not be read"
    ]
    for name in ("kommunstyrelse", "kommunfullmäktige", "nämnd", "utskott"):
        assert parsed[name]["warnings"] == [], name


def test_pages_from_form_feeds(parsed: dict[str, dict]) -> None:
    assert [p["page"] for p in parsed["kommunstyrelse"]["paragraphs"]] == [2, 2, 3, 3]
    assert [p["page"] for p in parsed["region"]["paragraphs"]] == [1] * 6
    assert [p["page"] for p in parsed["nämnd"]["paragraphs"]] == [None] * 5


# --------------------------------------------------------------------------
# Through a PDF
# --------------------------------------------------------------------------


def heading_pages(pages: list[str], headings: list[str]) -> list[int]:
    """The 1-based page on which each heading line stands, found in the extracted pages in order."""
    found, page = [], 0
    for heading in headings:
        while heading not in pages[page].split("\n"):
            page += 1
        found.append(page + 1)
    return found


@pytest.mark.parametrize(
    ("name", "headings"),
    [
        ("kommunstyrelse", ["KS § 80 KS/2018:298 - 001", "KS § 81 KS/2018:112 - 041", "KS § 82 KS/2018:256 - 214",
                            "KS § 83 KS/2018:301 - 100"]),
        ("region", ["§ 1 Fastställande av föredragningslista", "§ 2 Regiondirektörens rapport",
                    "§ 3 Investeringsplan 2025–2027", "§ 4 Motion om fri parkering vid sjukhusen",
                    "§ 5 Val av ombud till föreningsstämman", "§ 6 Avslutning"]),
    ],
)
def test_pdf_round_trip_keeps_paragraphs_votes_and_pages(name: str, headings: list[str]) -> None:
    extracted = extract_text(make_text_pdf(TEMPLATES[name], title=name))
    assert extracted.text.count("\n\f\n") == extracted.page_count - 1
    result = parse_protocol(extracted.text).to_dict()
    scores = compare(result["paragraphs"], GOLDEN[name])
    assert [miss for _, _, misses in scores.values() for miss in misses] == []
    assert [p["page"] for p in result["paragraphs"]] == heading_pages(extracted.pages, headings)
    assert len(set(heading_pages(extracted.pages, headings))) > 1


def test_pdf_of_a_table_without_its_layout_is_not_guessed() -> None:
    extracted = extract_text(make_text_pdf(UTSKOTT, title="utskott"))
    assert "Tuva Thorén S X" in extracted.text.split("\n")
    votes = parse_protocol(extracted.text).paragraphs[-1].votes
    assert [(v.counts["ja"], v.counts["nej"], v.members) for v in votes] == [(1, 2, [])]
    assert votes[0].warnings == [
        "voting list: 3 row(s) give a mark but not its column (Tuva Thorén S X); those votes are not read"
    ]


UNKNOWN = """\
Kulturnämnden
Minnesanteckningar 2024-02-01
§ 1 Mötets öppnande
Ordföranden hälsar välkommen.
§ 2 Biblioteksplan
Planen diskuterades. Synpunkter lämnades på avsnittet om meröppna bibliotek.
§ 3 Konstinköp
Gruppen gick igenom förslagen till inköp och enades om att återkomma.
§ 4 Sommarläsning
Förvaltningen redogjorde för sommarens läsprojekt.
§ 5 Avslutning
"""


def test_an_unknown_template_is_said_to_be_one() -> None:
    result = parse_protocol(UNKNOWN).to_dict()
    assert [p["number"] for p in result["paragraphs"]] == [1, 2, 3, 4, 5]
    assert result["quality"] == {
        "paragraphs": 5, "with_decision": 0, "with_case_number": 0, "attendance": 0, "attendance_listed": False,
        "votes": 0, "votes_mismatched": 0, "decision_share": 0.0, "unknown_template": True,
    }
    assert result["warnings"][-2:] == [
        "unknown template: only 0 of 3 paragraphs (0 %) have a decision "
        "(opening, closing, roll-call and information paragraphs not counted)",
        "unknown template: no attendance list and no reference to one",
    ]
