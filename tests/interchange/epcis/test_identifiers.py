"""Every identifier form resolves to a typed Identifier with the canonical key (checked against epcpy too)."""

from __future__ import annotations

import pytest
from epcpy.epc_schemes.lgtin import LGTIN
from epcpy.epc_schemes.sgln import SGLN
from epcpy.epc_schemes.sgtin import SGTIN
from epcpy.epc_schemes.sscc import SSCC
from hypothesis import given
from hypothesis import strategies as st

from workbench.interchange.epcis.identifiers import IdentifierError, Scheme, check_digit, parse_identifier


@pytest.mark.parametrize(("text", "scheme", "gtin", "lot"), [
    ("urn:epc:class:lgtin:4012345.012345.998877", Scheme.LGTIN, "04012345123456", "998877"),
    ("urn:epc:class:lgtin:061414.0123456.xyz3311cba", Scheme.LGTIN, "00614141234561", "xyz3311cba"),
    ("urn:epc:class:lgtin:415056789012.0.A%2FB", Scheme.LGTIN, "04150567890128", "A/B"),
    ("https://id.gs1.org/01/10000082345676/10/CATTLE20230101", Scheme.LGTIN, "10000082345676", "CATTLE20230101"),
    ("https://example.com/some/prefix/01/09780345418913/10/L%2F1?x=1", Scheme.LGTIN, "09780345418913", "L/1"),
    ("https://id.example.org/gtin/9780345418913/lot/ABC", Scheme.LGTIN, "09780345418913", "ABC"),
])
def test_a_gs1_lot_is_gtin14_and_lot_whatever_the_form(text, scheme, gtin, lot):
    found = parse_identifier(text)
    assert (found.scheme, found.gtin, found.lot, found.problem) == (scheme, gtin, lot, None)
    assert found.product == f"https://id.gs1.org/01/{gtin}"
    assert found.is_class


def test_urn_and_digital_link_of_the_same_key_compare_equal():
    urn = parse_identifier("urn:epc:id:sgtin:0614141.107346.2017")
    link = parse_identifier("https://brand.example.com/01/10614141073464/21/2017?linkType=all")
    assert urn.key == link.key == "https://id.gs1.org/01/10614141073464/21/2017"
    assert (urn.gtin, urn.serial, urn.scheme) == ("10614141073464", "2017", Scheme.SGTIN)
    assert urn.raw != link.raw


def test_sscc_sgln_pgln_and_patterns():
    sscc = parse_identifier("urn:epc:id:sscc:0614141.1234567890")
    assert (sscc.scheme, sscc.sscc) == (Scheme.SSCC, "106141412345678908")
    sgln = parse_identifier("urn:epc:id:sgln:08600031303.1.1")
    assert (sgln.gln, sgln.extension, sgln.key) == ("0860003130315", "1", "https://id.gs1.org/414/0860003130315/254/1")
    plain = parse_identifier("urn:epc:id:sgln:0614141.07346.0")
    assert (plain.gln, plain.extension) == ("0614141073467", None)
    assert plain.key == parse_identifier("https://id.gs1.org/414/0614141073467").key
    party = parse_identifier("urn:epc:id:pgln:4000001.00000")
    assert (party.scheme, party.gln) == (Scheme.PGLN, "4000001000005")
    pattern = parse_identifier("urn:epc:idpat:sgtin:4054739.099914.*")
    assert (pattern.scheme, pattern.gtin, pattern.lot) == (Scheme.GTIN, "04054739999148", None)


def test_gdst_lot_class_names_product_and_lot():
    found = parse_identifier("urn:gdst:example.org:product:lot:class:processor.2u.v1-0122-2022")
    assert found.scheme is Scheme.GDST_LOT
    assert (found.product, found.lot) == ("urn:gdst:example.org:product:class:processor.2u", "v1-0122-2022")
    assert found.key == found.raw
    assert parse_identifier("urn:gdst:example.org:location:loc:importer.123u").scheme is Scheme.GDST_LOCATION
    assert parse_identifier("urn:gdst:example.org:party:importer.1u").scheme is Scheme.GDST_PARTY


def test_other_uris_are_their_own_identity():
    for text in ("urn:uuid:39ac7499-fecd-4f65-b582-1c45ff4e6356", "http://transaction.acme.com/po/12345678",
                 "geo:-34.3232,1.232", "urn:epc:id:gid:95100000.12345.400"):
        found = parse_identifier(text)
        assert (found.key, found.dl, found.problem) == (text, None, None)
        assert not found.is_gs1


def test_malformed_gs1_keys_resolve_with_a_problem_and_are_refused_when_gs1_is_required():
    short = parse_identifier("urn:epc:id:sscc:08600031303.0003")  # 15 digits: real data has it
    assert short.scheme is Scheme.SSCC and short.sscc is None and short.key == short.raw
    assert "15 digits, not 17" in (short.problem or "")
    wrong = parse_identifier("https://id.gs1.org/414/1234567089451")
    assert "1234567089454 would be right" in (wrong.problem or "")
    for text in ("urn:epc:id:sscc:08600031303.0003", "https://id.gs1.org/414/1234567089451", "urn:uuid:1"):
        with pytest.raises(IdentifierError):
            parse_identifier(text, require_gs1=True)
    assert parse_identifier("urn:epc:id:sscc:0614141.1234567890", require_gs1=True).is_gs1


@pytest.mark.parametrize("text", ["", "   ", "not a uri", "lot 12"])
def test_text_that_is_no_uri_is_refused(text):
    with pytest.raises(IdentifierError):
        parse_identifier(text)


def test_check_digits():
    assert check_digit("1000008234567") == "6"
    assert check_digit("10614141234567890") == "8"
    assert check_digit("123456708945") == "4"


_digits = st.text("0123456789", min_size=1, max_size=1)
_gs3a3 = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=20)


@st.composite
def _company_and_reference(draw, total: int):
    length = draw(st.integers(6, 12))
    digits = draw(st.text("0123456789", min_size=total, max_size=total))
    return digits[:length], digits[length:]


@given(_company_and_reference(13), _gs3a3)
def test_sgtin_and_lgtin_agree_with_epcpy(parts, value):
    cp, ref = parts
    sgtin = parse_identifier(f"urn:epc:id:sgtin:{cp}.{ref}.{value}")
    assert (sgtin.gtin, sgtin.serial) == (SGTIN(f"urn:epc:id:sgtin:{cp}.{ref}.{value}").gtin(), value)
    lgtin = parse_identifier(f"urn:epc:class:lgtin:{cp}.{ref}.{value}")
    assert (lgtin.gtin, lgtin.lot) == (LGTIN(f"urn:epc:class:lgtin:{cp}.{ref}.{value}").gtin(), value)


@given(_company_and_reference(17))
def test_sscc_agrees_with_epcpy(parts):
    cp, ref = parts
    text = f"urn:epc:id:sscc:{cp}.{ref}"
    assert parse_identifier(text).sscc == SSCC(text).gs1_key()


@given(_company_and_reference(12), st.text("123456789", min_size=1, max_size=5))
def test_sgln_agrees_with_epcpy(parts, extension):
    cp, ref = parts
    text = f"urn:epc:id:sgln:{cp}.{ref}.{extension}"
    assert parse_identifier(text).gln == SGLN(text).gs1_key()
