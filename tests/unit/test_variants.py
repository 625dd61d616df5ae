"""The rules of a product offered in variants (pure domain)."""
import pytest

from shop.domain.variants import VariantRule, check_member, combination, option_kind, value_in

SOFT = {"en": "Soft bag", "ru": "Мягкая упаковка"}
HARD = {"en": "Hard bag"}


@pytest.mark.parametrize(("text", "kind"), [("Packaging", "packaging"), (" color ", "colour"), ("Flavor", "flavour"),
                                            ("WEIGHT", "weight"), ("shoe size", None), ("", None)])
def test_an_option_is_named_by_its_kind_in_any_spelling(text, kind):
    assert option_kind(text) == kind


def test_a_value_reads_in_the_buyers_language_else_english():
    assert value_in(SOFT, "ru") == "Мягкая упаковка"
    assert value_in(SOFT, "ur") == "Soft bag"


def test_two_variants_may_not_share_their_options_whatever_the_case_or_spacing():
    assert combination([{"en": " Soft  BAG "}]) == combination([SOFT])
    with pytest.raises(VariantRule) as refused:
        check_member(["packaging"], [{"en": "soft bag"}], {"LB-1": [SOFT], "LB-2": [HARD]}, "LB-3")
    assert refused.value.code == "same_options" and refused.value.params["sku"] == "LB-1"


def test_a_variant_keeps_its_own_options_when_it_is_saved_again():
    check_member(["packaging"], [SOFT], {"LB-1": [SOFT], "LB-2": [HARD]}, "LB-1")


def test_a_variant_has_as_many_values_as_its_group_has_options():
    with pytest.raises(VariantRule) as refused:
        check_member(["weight", "packaging"], [SOFT], {}, "LB-1")
    assert refused.value.code == "options_differ"
