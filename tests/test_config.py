"""portals.toml: every missing, unknown or wrong value is one ConfigError naming the file, line and key."""

from __future__ import annotations

import re

import pytest

from scraper.config import DOCUMENT_KINDS, Portal, load_config, parse_config, select_portals
from scraper.errors import ConfigError

BASE = """\
[[portal]]
id = "vasterbotten"
organisation_id = "region-vasterbotten"
organisation = "Region Västerbotten"
kind = "region"
base_url = "https://meetingsplus.vll.se"
committees = ["regionstyrelsen"]
"""
AT = "portals.toml, portal 'vasterbotten', line"
ROOT = "https://meetingsplus.vll.se"
MEETING = f"{ROOT}/committees/regionstyrelsen/mote-2024-01-01"
CREDENTIALS = ("holds credentials (user:pass@host); it is published in the data: keep credentials out of it, "
               "in a secret or an environment variable")


def with_value(key: str, value: str, text: str = BASE) -> str:
    """BASE with ``key = value`` in place of its line, or added at the end (line 8)."""
    line = f"{key} = {value}"
    replaced = re.sub(rf"(?m)^{key} = .*$", lambda _: line, text)
    return replaced if replaced != text else text + line + "\n"


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as error:
        parse_config(text)
    return str(error.value)


def test_every_key_is_read():
    text = BASE + f"""\
country = "FI"
committee_ids = {{ regionstyrelsen = 412 }}
delay = 2
download = ["protokoll", "bilaga"]
note = "test portal"
aliases = ["Files.Example.se", "files.example.se", "edok.example.se"]
seed_meetings = ["{MEETING}", "https://files.example.se/committees/regionfullmaktige/extra-54131/", "{MEETING}"]
"""
    assert parse_config(text) == [Portal(
        id="vasterbotten", organisation_id="region-vasterbotten", organisation="Region Västerbotten", kind="region",
        base_url=ROOT, committees=("regionstyrelsen",), country="FI", committee_ids={"regionstyrelsen": 412},
        delay=2.0, download=("protokoll", "bilaga"), note="test portal", aliases=("files.example.se", "edok.example.se"),
        seed_meetings=(MEETING, "https://files.example.se/committees/regionfullmaktige/extra-54131/"),
    )]


def test_defaults_of_the_optional_keys():
    [portal] = parse_config(with_value("committees", '"all"'))
    assert (portal.committees, portal.country, portal.committee_ids, portal.delay, portal.download, portal.note,
            portal.aliases, portal.seed_meetings) == (None, "SE", {}, 1.0, ("protokoll", "kallelse", "sammanfattning"), None, (), ())
    assert isinstance(portal.delay, float)


DELAY = "delay must be a number of seconds, 0 or more"
COMMITTEES = 'committees must be "all" or a non-empty list of slugs'
IDS = "committee_ids must be a table of committee slug = numeric id, such as { regionstyrelsen = 412 }"
ALIASES = 'aliases must be a list of host names such as ["meetingspublic.example.se"] (no scheme, port or path)'
SEEDS = f"seed_meetings must be meeting pages on meetingsplus.vll.se, shaped {ROOT}/committees/{{committee}}/{{meeting}}"
NOT_HTTP = "portals.toml, portal 'vasterbotten': base_url {!r} is not an http(s) URL (line 6)"


@pytest.mark.parametrize("key, value, message", [
    ("delay", '"fast"', f"{AT} 8: {DELAY}, not 'fast'"),
    ("delay", "-1", f"{AT} 8: {DELAY}, not -1"),
    ("delay", "inf", f"{AT} 8: {DELAY}, not inf"),
    ("delay", "true", f"{AT} 8: {DELAY}, not True"),
    ("committees", "3", f"{AT} 7: {COMMITTEES}, not 3"),
    ("committees", "[]", f"{AT} 7: {COMMITTEES}, not []"),
    ("committees", '["regionstyrelsen", 4]', f"{AT} 7: {COMMITTEES}, not ['regionstyrelsen', 4]"),
    ("committee_ids", '{ x = "abc" }', f"{AT} 8: {IDS}, not {{'x': 'abc'}}"),
    ("committee_ids", "{ x = 0 }", f"{AT} 8: {IDS}, not {{'x': 0}}"),
    ("committee_ids", "[412]", f"{AT} 8: {IDS}, not [412]"),
    ("download", '"protokoll"', f"{AT} 8: download must be a list of document kinds from {DOCUMENT_KINDS}, not 'protokoll'"),
    ("download", '["protokol"]', f"{AT} 8: download must be a list of document kinds from {DOCUMENT_KINDS}, not ['protokol']"),
    ("kind", "5", f"{AT} 5: kind must be one of ('region', 'kommun'), not 5"),
    ("kind", '"stad"', f"{AT} 5: kind must be one of ('region', 'kommun'), not 'stad'"),
    ("country", "1", f'{AT} 8: country must be a two-letter ISO 3166-1 code such as "SE", not 1'),
    ("country", '"Sverige"', f"{AT} 8: country must be a two-letter ISO 3166-1 code such as \"SE\", not 'Sverige'"),
    ("id", "7", "portals.toml, portal 7, line 2: id must be a non-empty string, not 7"),
    ("organisation_id", "[1]", f"{AT} 3: organisation_id must be a non-empty string, not [1]"),
    ("organisation", '"  "', f"{AT} 4: organisation must be a non-empty string, not '  '"),
    ("note", "12", f"{AT} 8: note must be a non-empty string, not 12"),
    ("aliases", '"files.example.se"', f"{AT} 8: {ALIASES}, not 'files.example.se'"),
    ("aliases", '["https://files.example.se"]', f"{AT} 8: {ALIASES}, not ['https://files.example.se']"),
    ("aliases", '["files.example.se:8443"]', f"{AT} 8: {ALIASES}, not ['files.example.se:8443']"),
    ("seed_meetings", f'"{MEETING}"', f"{AT} 8: seed_meetings must be a list of meeting page URLs, not '{MEETING}'"),
    ("seed_meetings", "[5]", f"{AT} 8: seed_meetings must be a list of meeting page URLs, not 5"),
    ("seed_meetings", '["https://other.example.se/committees/rs/mote-2024-01-01"]',
     f"{AT} 8: {SEEDS}, not 'https://other.example.se/committees/rs/mote-2024-01-01'"),
    ("seed_meetings", f'["{ROOT}/committees/regionstyrelsen"]', f"{AT} 8: {SEEDS}, not '{ROOT}/committees/regionstyrelsen'"),
    ("seed_meetings", '["/committees/rs/mote-2024-01-01"]', f"{AT} 8: {SEEDS}, not '/committees/rs/mote-2024-01-01'"),
    ("seed_meetings", '["ftp://meetingsplus.vll.se/committees/rs/m"]', f"{AT} 8: {SEEDS}, not 'ftp://meetingsplus.vll.se/committees/rs/m'"),
    ("base_url", '"ftp://meetingsplus.vll.se"', NOT_HTTP.format("ftp://meetingsplus.vll.se")),
    ("base_url", '"meetingsplus.vll.se"', NOT_HTTP.format("meetingsplus.vll.se")),
    ("comittees", '["regionstyrelsen"]', f"{AT} 8: unknown key 'comittees'; allowed: aliases, base_url, bulletin_board, "
                                         "committee_ids, committees, country, delay, download, id, kind, note, organisation, "
                                         "organisation_id, protocol_api, representatives, seed_meetings, term_of_office_id"),
    ("protocol_api", '"always"', f"{AT} 8: protocol_api must be one of ('linked', 'held', 'never'), not 'always'"),
    ("bulletin_board", '"yes"', f"{AT} 8: bulletin_board must be true or false, not 'yes'"),
    ("representatives", "1", f"{AT} 8: representatives must be true or false, not 1"),
    ("term_of_office_id", '"a b"', f"{AT} 8: term_of_office_id must be the id of a term of office, such as "
                                   "\"019511cb-0cc8-4b34-ba97-75ca4fb5ef65\", not 'a b'"),
])
def test_a_wrong_value_is_one_error_naming_file_line_and_key(key, value, message):
    assert error_of(with_value(key, value)) == message


def test_base_url_with_credentials_is_refused_without_showing_them():
    message = error_of(with_value("base_url", '"https://scraper:hunter2@meetingsplus.vll.se"'))
    assert message == f"{AT} 6: base_url {CREDENTIALS}"
    with pytest.raises(ConfigError) as seeded:
        parse_config(with_value("seed_meetings", '["https://scraper:hunter2@meetingsplus.vll.se/committees/rs/mote-2024-01-01"]'))
    assert str(seeded.value) == f"{AT} 8: seed_meetings {CREDENTIALS.replace('holds', 'holds a URL with')}"
    portals = parse_config(BASE)
    with pytest.raises(ConfigError) as pointed:
        select_portals(portals, None, "http://scraper:hunter2@127.0.0.1:8765")
    assert str(pointed.value) == f"portal vasterbotten: base_url {CREDENTIALS}"
    assert "hunter2" not in message + str(seeded.value) + str(pointed.value)


def test_the_line_is_the_one_in_the_portals_own_table():
    second = BASE.replace("vasterbotten", "norrbotten").replace('kind = "region"', 'kind = "län"')
    assert error_of(BASE + "\n" + second) == "portals.toml, portal 'norrbotten', line 13: kind must be one of ('region', 'kommun'), not 'län'"


def test_seed_meetings_on_an_alias_and_under_the_roots_path():
    text = with_value("base_url", '"https://edok.example.se/meetings"')
    text = with_value("aliases", '["public.example.se"]', text)
    text = with_value("seed_meetings", '["https://public.example.se/meetings/committees/ks/mote-2024-02-01"]', text)
    [portal] = parse_config(text)
    assert portal.seed_meetings == ("https://public.example.se/meetings/committees/ks/mote-2024-02-01",)
    outside = with_value("seed_meetings", '["https://edok.example.se/committees/ks/mote-2024-02-01"]', text)
    assert error_of(outside).endswith("shaped https://edok.example.se/meetings/committees/{committee}/{meeting}, "
                                      "not 'https://edok.example.se/committees/ks/mote-2024-02-01'")


def test_seed_meetings_move_with_the_base_url():
    text = with_value("seed_meetings", f'["{MEETING}", "https://files.example.se/committees/x/y"]',
                      with_value("aliases", '["files.example.se"]'))
    [portal] = select_portals(parse_config(text), "vasterbotten", "http://127.0.0.1:8765/")
    assert portal.base_url == "http://127.0.0.1:8765"
    assert portal.seed_meetings == ("http://127.0.0.1:8765/committees/regionstyrelsen/mote-2024-01-01", "https://files.example.se/committees/x/y")


@pytest.mark.parametrize("text, message", [
    ("[[portal]\nid = 1", "portals.toml: Expected ']]' at the end of an array declaration (at line 1, column 9)"),
    ("portal = 3\n", "portals.toml, line 1: portal must be [[portal]] tables"),
    ("title = 'x'\n", "portals.toml, line 1: unknown key 'title' (expected [[portal]] tables)"),
    ("", "portals.toml: no [[portal]] tables"),
    (BASE.replace('kind = "region"\n', ""), "portals.toml, portal 'vasterbotten': missing required key 'kind'"),
    (BASE + "\n" + BASE, "portals.toml: portal ids must be unique, got ['vasterbotten', 'vasterbotten']"),
])
def test_the_file_as_a_whole(text, message):
    assert error_of(text) == message


def test_the_projects_own_config_is_valid():
    assert [portal.id for portal in load_config()] == ["vasterbotten"]
