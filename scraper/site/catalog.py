"""A DCAT-AP-SE catalogue record (RDF/XML) of the data package and its distributions.

DCAT-AP-SE is the Swedish profile of DCAT-AP that Sveriges dataportal harvests. The record has a
``dcat:Catalog`` with one ``dcat:Dataset`` and its ``dcat:Distribution``s: the zip of the data
package, the JSON export, the Datasette SQL/JSON API (with its ``dcat:DataService``) and, once
there are any, the dated releases.

Publishers are identified the way the portal does, by organisation number:
``http://dataportal.se/organisation/SE<10 digits>`` (Region Västerbotten, 232100-0222:
``http://dataportal.se/organisation/SE2321000222``). Mandatory properties of DCAT-AP-SE 3.0.1
(catalogue: title, description, publisher, licence, dataset; dataset: title, description,
publisher; distribution: access URL, format; agent: name, type; contact point: name, e-mail) are
always written, except the contact e-mail when none is given (``--contact-email``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .. import vcs
from ..errors import MeetingsError
from ..package import read_table

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
DCATAP = "http://data.europa.eu/r5r/"
XSD = "http://www.w3.org/2001/XMLSchema#"
NAMESPACES = {"rdf": RDF, "dcat": DCAT, "dcterms": DCTERMS, "foaf": FOAF, "vcard": VCARD, "dcatap": DCATAP}

EU = "http://publications.europa.eu/resource/authority/"
THEME_GOVE = EU + "data-theme/GOVE"
THEME_TAXONOMY = EU + "data-theme"
ACCESS_PUBLIC = EU + "access-right/PUBLIC"
LANGUAGE_SWE = EU + "language/SWE"
SPATIAL_SWE = EU + "country/SWE"
FREQUENCY_DAILY = EU + "frequency/DAILY"
AVAILABILITY_STABLE = EU + "planned-availability/STABLE"
AVAILABILITY_AVAILABLE = EU + "planned-availability/AVAILABLE"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
IANA = "http://www.iana.org/assignments/media-types/"
CATALOG_LICENCE = "http://creativecommons.org/publicdomain/zero/1.0/"
DATAPORTAL_ORGANISATION = "http://dataportal.se/organisation/SE{number}"
DATASETTE_API_DOCS = "https://docs.datasette.io/en/stable/json_api.html"
DATA_PACKAGE_SPEC = "https://specs.frictionlessdata.io/data-package/"

# organisation_id -> (organisation number, name, publisher type). Organisation numbers
# (organisationsnummer) from Skatteverket/SCB; add a portal's owner here when adding its portal.
ORGANISATIONS = {
    "region-vasterbotten": ("232100-0222", "Region Västerbotten", "RegionalAuthority"),
    "region-norrbotten": ("232100-0230", "Region Norrbotten", "RegionalAuthority"),
}
KIND_PUBLISHER_TYPE = {"region": "RegionalAuthority", "kommun": "LocalAuthority"}

TITLE_SV = "Sammanträden, ärenden och protokoll från regioner och kommuner"
DESCRIPTION_SV = (
    "Nämnder, sammanträden, ärenden, beslut och handlingar (kallelser, protokoll, bilagor, sammanfattningar) "
    "hämtade från de offentliga Meetings Plus-portalerna hos svenska regioner och kommuner. Varje post länkar "
    "till sin källa på portalen, och datapaketets git-historik visar varje ändring."
)
KEYWORDS_SV = ["sammanträden", "protokoll", "kallelser", "beslut", "nämnder", "diarienummer", "regioner", "kommuner"]
KEYWORDS_EN = ["meetings", "minutes", "agendas", "decisions", "committees", "local government", "regions",
               "municipalities"]


class CatalogError(MeetingsError):
    """The catalogue record cannot be made as asked."""


@dataclass
class CatalogOptions:
    site_url: str = "http://127.0.0.1:8001"
    database: str = "meetings"
    publisher: str | None = None
    publisher_name: str | None = None
    publisher_type: str | None = None
    contact_email: str | None = None
    contact_name: str | None = None


@dataclass
class Publisher:
    uri: str
    name: str
    type: str
    identifier: str | None = None


def organisation_uri(number: str) -> str:
    """Sveriges dataportal's URI of an organisation: http://dataportal.se/organisation/SE + 10 digits."""
    digits = re.sub(r"\D", "", number)
    if len(digits) != 10:
        raise CatalogError(f"{number!r} is not a Swedish organisation number (10 digits, e.g. 232100-0222)")
    return DATAPORTAL_ORGANISATION.format(number=digits)


def resolve_publisher(options: CatalogOptions, descriptor: dict, organisations: list[dict]) -> Publisher:
    """The dataset's publisher: the one given, else the only organisation of the package if its
    organisation number is known, else the project (its homepage as URI)."""
    if options.publisher:
        value = options.publisher.strip()
        known = {number: (oid, name, kind) for oid, (number, name, kind) in ORGANISATIONS.items()}
        if value.startswith(("http://", "https://")):
            uri, number = value, None
        else:
            uri, number = organisation_uri(value), re.sub(r"\D", "", value)
        match = next((v for k, v in known.items() if re.sub(r"\D", "", k) == number), None) if number else None
        name = options.publisher_name or (match[1] if match else None)
        if not name:
            raise CatalogError("the publisher needs a name: pass --publisher-name")
        kind = options.publisher_type or (match[2] if match else "RegionalAuthority")
        return Publisher(uri, name, kind, f"{number[:6]}-{number[6:]}" if number else None)
    if len(organisations) == 1 and organisations[0].get("organisation_id") in ORGANISATIONS:
        number, name, kind = ORGANISATIONS[organisations[0]["organisation_id"]]
        return Publisher(organisation_uri(number), options.publisher_name or name, options.publisher_type or kind, number)
    contributors = descriptor.get("contributors") or [{}]
    homepage = descriptor.get("homepage") or options.site_url
    return Publisher(homepage, options.publisher_name or contributors[0].get("title") or "meetings-open-data",
                     options.publisher_type or "NonProfitOrganisation")


def _licence_uri(descriptor: dict) -> str:
    path = ((descriptor.get("licenses") or [{}])[0]).get("path") or CATALOG_LICENCE
    # DCAT-AP-SE lists the Creative Commons licences by their http:// URIs.
    return re.sub(r"^https://creativecommons\.org/", "http://creativecommons.org/", path)


class _Writer:
    def __init__(self):
        self.root = ET.Element(f"{{{RDF}}}RDF")

    def node(self, kind: str, about: str | None = None, parent: ET.Element | None = None) -> ET.Element:
        attrs = {f"{{{RDF}}}about": about} if about else {}
        return ET.SubElement(self.root if parent is None else parent, kind, attrs)

    @staticmethod
    def ref(node: ET.Element, prop: str, uri: str) -> None:
        ET.SubElement(node, prop, {f"{{{RDF}}}resource": uri})

    @staticmethod
    def lit(node: ET.Element, prop: str, text, *, lang: str | None = None, datatype: str | None = None) -> None:
        attrs = {}
        if lang:
            attrs["{http://www.w3.org/XML/1998/namespace}lang"] = lang
        if datatype:
            attrs[f"{{{RDF}}}datatype"] = datatype
        ET.SubElement(node, prop, attrs).text = str(text)

    def tostring(self) -> bytes:
        for prefix, uri in NAMESPACES.items():
            ET.register_namespace(prefix, uri)
        ET.indent(self.root, space="  ")
        return ET.tostring(self.root, encoding="UTF-8", xml_declaration=True) + b"\n"


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


@dataclass
class _Record:
    """What every part of the catalogue record refers to."""

    w: "_Writer"
    site: str
    descriptor: dict
    publisher: "Publisher"
    licence: str
    names: list[str]
    issued: str | None
    modified: str | None

    def uri(self, fragment: str) -> str:
        return f"{self.site}/downloads/catalog.rdf#{fragment}"


def catalog_bytes(package_dir: Path, options: CatalogOptions, *, repo_path: Path | None = None,
                  releases: list[str] | None = None, sizes: dict[str, int] | None = None) -> bytes:
    """The DCAT-AP-SE record of the package in ``package_dir`` as RDF/XML."""
    import json

    descriptor = json.loads((package_dir / "datapackage.json").read_text(encoding="utf-8"))
    organisations = list(read_table(package_dir, "organisations").values())
    meetings = list(read_table(package_dir, "meetings").values())
    issued, modified = vcs.history_dates(repo_path)
    record = _Record(_Writer(), options.site_url.rstrip("/"), descriptor, resolve_publisher(options, descriptor, organisations),
                     _licence_uri(descriptor), sorted({o.get("name", "") for o in organisations if o.get("name")}),
                     issued, modified)
    _catalog(record)
    dataset = _dataset(record, meetings)
    _file_distributions(record, dataset, sizes)
    _api_distribution(record, dataset, options)
    if releases:
        _release_distribution(record, dataset, releases)
    _service_and_agents(record, options)
    return record.w.tostring()


def _catalog(r: _Record) -> None:
    w, publisher, descriptor, site, modified = r.w, r.publisher, r.descriptor, r.site, r.modified
    catalog = w.node(_q(DCAT, "Catalog"), r.uri("catalog"))
    w.lit(catalog, _q(DCTERMS, "title"), "Katalog: " + TITLE_SV, lang="sv")
    w.lit(catalog, _q(DCTERMS, "title"), "Catalogue: " + (descriptor.get("title") or "meeting records"), lang="en")
    w.lit(catalog, _q(DCTERMS, "description"),
          f"Datamängder om sammanträden från Meetings Plus-portaler, publicerade av {publisher.name}.", lang="sv")
    w.lit(catalog, _q(DCTERMS, "description"),
          f"Datasets on meetings from Meetings Plus portals, published by {publisher.name}.", lang="en")
    w.ref(catalog, _q(DCTERMS, "publisher"), publisher.uri)
    w.ref(catalog, _q(DCTERMS, "license"), CATALOG_LICENCE)
    w.ref(catalog, _q(DCTERMS, "language"), LANGUAGE_SWE)
    w.ref(catalog, _q(FOAF, "homepage"), site + "/")
    w.ref(catalog, _q(DCAT, "themeTaxonomy"), THEME_TAXONOMY)
    if modified:
        w.lit(catalog, _q(DCTERMS, "modified"), modified, datatype=XSD + "date")
    w.ref(catalog, _q(DCAT, "dataset"), r.uri("dataset"))


def _dataset(r: _Record, meetings: list[dict]):
    w, publisher, descriptor, site, names, licence = r.w, r.publisher, r.descriptor, r.site, r.names, r.licence
    dataset = w.node(_q(DCAT, "Dataset"), r.uri("dataset"))
    w.lit(dataset, _q(DCTERMS, "title"), TITLE_SV, lang="sv")
    w.lit(dataset, _q(DCTERMS, "title"), descriptor.get("title") or "Meeting records", lang="en")
    organisations_sv = f" Organisationer: {', '.join(names)}." if names else ""
    organisations_en = f" Organisations: {', '.join(names)}." if names else ""
    w.lit(dataset, _q(DCTERMS, "description"), DESCRIPTION_SV + organisations_sv, lang="sv")
    w.lit(dataset, _q(DCTERMS, "description"), (descriptor.get("description") or "") + organisations_en, lang="en")
    w.ref(dataset, _q(DCTERMS, "publisher"), publisher.uri)
    w.ref(dataset, _q(DCAT, "contactPoint"), r.uri("contact"))
    w.ref(dataset, _q(DCAT, "theme"), THEME_GOVE)
    w.ref(dataset, _q(DCTERMS, "accessRights"), ACCESS_PUBLIC)
    w.ref(dataset, _q(DCTERMS, "license"), licence)
    for keyword in KEYWORDS_SV + names:
        w.lit(dataset, _q(DCAT, "keyword"), keyword, lang="sv")
    for keyword in KEYWORDS_EN:
        w.lit(dataset, _q(DCAT, "keyword"), keyword, lang="en")
    w.ref(dataset, _q(DCTERMS, "language"), LANGUAGE_SWE)
    w.ref(dataset, _q(DCTERMS, "spatial"), SPATIAL_SWE)
    w.ref(dataset, _q(DCTERMS, "accrualPeriodicity"), FREQUENCY_DAILY)
    w.ref(dataset, _q(DCAT, "landingPage"), site + "/")
    if descriptor.get("homepage"):
        w.ref(dataset, _q(FOAF, "page"), descriptor["homepage"])
    if r.issued:
        w.lit(dataset, _q(DCTERMS, "issued"), r.issued, datatype=XSD + "date")
    if r.modified:
        w.lit(dataset, _q(DCTERMS, "modified"), r.modified, datatype=XSD + "date")
    dates = sorted(m["date"] for m in meetings if m.get("date"))
    if dates:
        temporal = ET.SubElement(dataset, _q(DCTERMS, "temporal"))
        period = ET.SubElement(temporal, _q(DCTERMS, "PeriodOfTime"))
        w.lit(period, _q(DCAT, "startDate"), dates[0], datatype=XSD + "date")
        w.lit(period, _q(DCAT, "endDate"), dates[-1], datatype=XSD + "date")
    return dataset


def _file_distributions(r: _Record, dataset, sizes: dict[str, int] | None) -> None:
    w, site, licence = r.w, r.site, r.licence
    distributions = [
        ("zip", f"{site}/downloads/meetings-datapackage.zip", "text/csv+zip", "application/zip",
         ("Datapaket (zip)", "Data package (zip)"),
         ("Frictionless-datapaket: datapackage.json, en CSV-fil per tabell och dokumentens text.",
          "Frictionless data package: datapackage.json, one CSV file per table and the documents' text."),
         AVAILABILITY_STABLE),
        ("json", f"{site}/downloads/meetings.json", "application/json", "application/json",
         ("Alla tabeller som JSON", "All tables as JSON"),
         ("En JSON-fil med paketbeskrivningen, alla rader och alla texter.",
          "One JSON file with the package descriptor, every row and every text."),
         AVAILABILITY_STABLE),
    ]
    for key, url, fmt, media, titles, descriptions, availability in distributions:
        uri = r.uri(f"distribution-{key}")
        w.ref(dataset, _q(DCAT, "distribution"), uri)
        dist = w.node(_q(DCAT, "Distribution"), uri)
        w.lit(dist, _q(DCTERMS, "title"), titles[0], lang="sv")
        w.lit(dist, _q(DCTERMS, "title"), titles[1], lang="en")
        w.lit(dist, _q(DCTERMS, "description"), descriptions[0], lang="sv")
        w.lit(dist, _q(DCTERMS, "description"), descriptions[1], lang="en")
        w.ref(dist, _q(DCAT, "accessURL"), url)
        w.ref(dist, _q(DCAT, "downloadURL"), url)
        w.lit(dist, _q(DCTERMS, "format"), fmt)
        w.ref(dist, _q(DCAT, "mediaType"), IANA + media)
        w.ref(dist, _q(DCTERMS, "license"), licence)
        w.ref(dist, _q(DCATAP, "availability"), availability)
        if key == "zip":
            w.ref(dist, _q(DCTERMS, "conformsTo"), DATA_PACKAGE_SPEC)
        if sizes and key in sizes:
            w.lit(dist, _q(DCAT, "byteSize"), sizes[key], datatype=XSD + "nonNegativeInteger")


def _api_distribution(r: _Record, dataset, options: CatalogOptions) -> None:
    w, site, licence = r.w, r.site, r.licence
    api_url = f"{site}/{options.database}"
    uri = r.uri("distribution-api")
    w.ref(dataset, _q(DCAT, "distribution"), uri)
    dist = w.node(_q(DCAT, "Distribution"), uri)
    w.lit(dist, _q(DCTERMS, "title"), "SQL- och JSON-gränssnitt (Datasette)", lang="sv")
    w.lit(dist, _q(DCTERMS, "title"), "SQL and JSON API (Datasette)", lang="en")
    w.lit(dist, _q(DCTERMS, "description"),
          "Sök, filtrera och ställ SQL-frågor; varje tabell och fråga kan hämtas som JSON eller CSV.", lang="sv")
    w.lit(dist, _q(DCTERMS, "description"),
          "Search, filter and query with SQL; every table and query can be downloaded as JSON or CSV.", lang="en")
    w.ref(dist, _q(DCAT, "accessURL"), api_url)
    w.ref(dist, _q(DCAT, "accessService"), r.uri("api"))
    w.lit(dist, _q(DCTERMS, "format"), "application/json")
    w.ref(dist, _q(DCAT, "mediaType"), IANA + "application/json")
    w.ref(dist, _q(DCTERMS, "license"), licence)
    w.ref(dist, _q(DCATAP, "availability"), AVAILABILITY_AVAILABLE)


def _release_distribution(r: _Record, dataset, releases: list[str]) -> None:
    w, site, licence = r.w, r.site, r.licence
    uri = r.uri("distribution-releases")
    w.ref(dataset, _q(DCAT, "distribution"), uri)
    dist = w.node(_q(DCAT, "Distribution"), uri)
    w.lit(dist, _q(DCTERMS, "title"), "Daterade versioner (zip)", lang="sv")
    w.lit(dist, _q(DCTERMS, "title"), "Dated releases (zip)", lang="en")
    w.lit(dist, _q(DCTERMS, "description"),
          "Datapaketet som det var vid varje version (git-taggen data-ÅÅÅÅ-MM-DD), för citering.", lang="sv")
    w.lit(dist, _q(DCTERMS, "description"),
          "The data package as it was at each release (git tag data-YYYY-MM-DD), for citation.", lang="en")
    w.ref(dist, _q(DCAT, "accessURL"), f"{site}/#downloads")
    for name in releases:
        w.ref(dist, _q(DCAT, "downloadURL"), f"{site}/downloads/{name}")
    w.lit(dist, _q(DCTERMS, "format"), "text/csv+zip")
    w.ref(dist, _q(DCAT, "mediaType"), IANA + "application/zip")
    w.ref(dist, _q(DCTERMS, "license"), licence)
    w.ref(dist, _q(DCATAP, "availability"), AVAILABILITY_STABLE)


def _service_and_agents(r: _Record, options: CatalogOptions) -> None:
    w, publisher, descriptor, licence = r.w, r.publisher, r.descriptor, r.licence
    api_url = f"{r.site}/{options.database}"
    service = w.node(_q(DCAT, "DataService"), r.uri("api"))
    w.lit(service, _q(DCTERMS, "title"), "Datasette för sammanträdesdata", lang="sv")
    w.lit(service, _q(DCTERMS, "title"), "Datasette for the meeting records", lang="en")
    w.ref(service, _q(DCAT, "endpointURL"), api_url)
    w.ref(service, _q(DCAT, "endpointDescription"), DATASETTE_API_DOCS)
    w.ref(service, _q(DCAT, "servesDataset"), r.uri("dataset"))
    w.ref(service, _q(DCTERMS, "publisher"), publisher.uri)
    w.ref(service, _q(DCAT, "contactPoint"), r.uri("contact"))
    w.ref(service, _q(DCTERMS, "license"), licence)
    w.ref(service, _q(DCTERMS, "accessRights"), ACCESS_PUBLIC)

    agent = w.node(_q(FOAF, "Organization"), publisher.uri)
    w.lit(agent, _q(FOAF, "name"), publisher.name)
    w.ref(agent, _q(DCTERMS, "type"), PUBLISHER_TYPE + publisher.type)
    if publisher.identifier:
        w.lit(agent, _q(DCTERMS, "identifier"), publisher.identifier)

    contact = w.node(_q(VCARD, "Organization"), r.uri("contact"))
    w.lit(contact, _q(VCARD, "fn"), options.contact_name or f"{publisher.name}: öppna data / open data")
    if options.contact_email:
        email = options.contact_email.strip().removeprefix("mailto:")
        w.ref(contact, _q(VCARD, "hasEmail"), f"mailto:{email}")
    if descriptor.get("homepage"):
        w.ref(contact, _q(VCARD, "hasURL"), descriptor["homepage"])
