"""EPCIS 2.0 XML with its fields out of the schema's order is read, with a warning; schema-valid files get none."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.interchange.epcis.paths import DATA, GS1, OPENEPCIS
from workbench.interchange.epcis.faults import EpcisReadFailed
from workbench.interchange.epcis.read import read_document
from workbench.interchange.epcis.read_xml import FIELD_ORDER_2_0

XSD = GS1 / "XSD" / "EPCglobal-epcis-2_0.xsd"
NS = {"xsd": "http://www.w3.org/2001/XMLSchema"}
ORDER = "the EPCIS 2.0 schema puts it before"


def _sequence(schema: etree._ElementTree, type_name: str) -> list[str]:
    """The element names of a complex type's sequence, its base type's first (xsd:extension)."""
    (complex_type,) = schema.xpath(f"//xsd:complexType[@name='{type_name}']", namespaces=NS)
    names: list[str] = []
    for base in complex_type.xpath(".//xsd:extension/@base", namespaces=NS):
        names += _sequence(schema, base.split(":")[-1])
    names += complex_type.xpath("./xsd:sequence/xsd:element/@name | ./*/xsd:extension/xsd:sequence/xsd:element/@name",
                                namespaces=NS)
    return names


@pytest.mark.parametrize("kind", sorted(FIELD_ORDER_2_0))
def test_the_order_table_is_gs1s_schema(kind):
    assert list(FIELD_ORDER_2_0[kind]) == _sequence(etree.parse(str(XSD)), f"{kind}Type")


def test_schema_valid_files_get_no_order_warning_and_jumbled_ones_do():
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    valid = 0
    for path in sorted(DATA.rglob("*.xml")):
        try:
            document = read_document(path)
        except EpcisReadFailed:
            continue
        said = [w for w in document.warnings if ORDER in w]
        try:
            is_valid = schema.validate(etree.parse(str(path)))
        except etree.XMLSyntaxError:
            is_valid = False
        if is_valid:
            valid += 1
            assert said == [], path
    assert valid >= 10  # the check ran on real schema-valid files
    jumbled = read_document(OPENEPCIS / "2.0/EPCIS/XML/Capture/Documents/JumbledFieldsOrder.xml")
    (said,) = [w for w in jumbled.warnings if ORDER in w]
    assert said.endswith(":9: <eventTimeZoneOffset> comes after <disposition> in this TransactionEvent, but the EPCIS "
                         "2.0 schema puts it before; the fields are read as given (a validating receiver would refuse "
                         "the document)")
    assert len(jumbled.events) > 0


def test_the_warning_is_given_once_per_document_and_never_for_epcis_1_2():
    event = ("<ObjectEvent><eventTime>2024-03-01T08:00:00Z</eventTime><eventTimeZoneOffset>+00:00</eventTimeZoneOffset>"
             "<action>OBSERVE</action><epcList><epc>urn:epc:id:sgtin:0614141.107346.2017</epc></epcList></ObjectEvent>")
    for version, expected in (("2", 1), ("1", 0)):
        text = (f'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:{version}" schemaVersion="2.0" '
                f'creationDate="2024-03-01T09:00:00Z"><EPCISBody><EventList>{event * 3}</EventList></EPCISBody>'
                "</epcis:EPCISDocument>")
        document = read_document(text.encode(), source="in.xml")
        assert len(document.events) == 3
        said = ("in.xml:1: <epcList> comes after <action> in this ObjectEvent, but the EPCIS 2.0 schema puts it before; "
                "the fields are read as given (a validating receiver would refuse the document)")
        assert [w for w in document.warnings if ORDER in w] == ([said] if expected else [])
