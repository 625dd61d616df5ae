"""Merchant portal forms (Flask-WTF, CSRF on each). The listing and lot forms hand their text to
shop.services.listings, the same checks the CSV import and the API use, and show its messages
beside the fields."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from shop.domain.allocation import CustomsStatus
from shop.domain.places import ISO_COUNTRIES
from shop.domain.routing import GOODS_FLAGS
from shop.domain.variants import MAX_VALUE, OPTION_KINDS
from shop.i18n import LANGUAGES, current_language
from shop.services import catalogue, listings
from shop.web.labels import LOT_STATUS
from shop.web.messages import said
from shop.web.words import OPTION_NAMES, country_name

LANG_LABELS = {"en": _l("English"), "zh": _l("Chinese"), "ru": _l("Russian"), "ur": _l("Urdu")}
FLAG_NAMES = {"liquid": _l("Liquid"), "aerosol": _l("Aerosol"), "battery": _l("Battery"),
              "perfume": _l("Perfume"), "perishable": _l("Perishable"), "fragile": _l("Fragile")}
TAX_CLASS_NAMES = {"food": _l("Food (VAT %(vat)s)", vat="9%"),
                   "general": _l("General goods (VAT %(vat)s)", vat="13%"),
                   "cosmetics_high": _l("High-end cosmetics (VAT %(vat)s, consumption tax %(tax)s)", vat="13%",
                                        tax="15%")}
STATUS_NAMES = LOT_STATUS
LOT_STATUSES = tuple(status.value for status in CustomsStatus)
REQUIRED = _l("This field is required.")
_SIGNED = re.compile(r"[+-]?[0-9]{1,7}")


def _too_long(maximum: int):
    return Length(max=maximum, message=_l("Use at most %(max)d characters.", max=maximum))


class Checklist(SelectMultipleField):
    """Checkboxes; the service judges the values, so WTForms does not refuse them first."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        pass


def category_choices(lang: str) -> list[tuple[str, str]]:
    """Every category as 'Parent › Child' in the page's language, in catalogue order."""
    tree = catalogue.category_tree()
    choices = []

    def walk(nodes, trail):
        for node in nodes:
            text = node.text(lang)
            label = " › ".join([*trail, text.name if text else node.slug])
            choices.append((node.slug, label))
            walk(tree.children.get(node.id, []), [*trail, text.name if text else node.slug])

    walk(tree.roots, [])
    return choices


def country_choices(lang: str) -> list[tuple[str, str]]:
    return sorted(((code, f"{country_name(code, lang)} ({code})") for code in ISO_COUNTRIES),
                  key=lambda pair: pair[1].casefold())


class ListingForm(FlaskForm):
    sku = StringField(_l("SKU"), validators=[_too_long(40)])
    name_en = StringField(_l("Name in English"), validators=[_too_long(listings.MAX_NAME)])
    name_zh = StringField(_l("Name in Chinese"), validators=[_too_long(listings.MAX_NAME)])
    name_ru = StringField(_l("Name in Russian"), validators=[_too_long(listings.MAX_NAME)])
    name_ur = StringField(_l("Name in Urdu"), validators=[_too_long(listings.MAX_NAME)])
    description_en = TextAreaField(_l("Description in English"), validators=[_too_long(listings.MAX_DESCRIPTION)])
    description_zh = TextAreaField(_l("Description in Chinese"), validators=[_too_long(listings.MAX_DESCRIPTION)])
    description_ru = TextAreaField(_l("Description in Russian"), validators=[_too_long(listings.MAX_DESCRIPTION)])
    description_ur = TextAreaField(_l("Description in Urdu"), validators=[_too_long(listings.MAX_DESCRIPTION)])
    category = SelectField(_l("Category"), validate_choice=False)
    origin_country = SelectField(_l("Country of origin"), validate_choice=False)
    hs_code = StringField(_l("HS code"), validators=[_too_long(16)])
    tax_class = SelectField(_l("Tax class"), validate_choice=False)
    price_cny = StringField(_l("Price (CNY)"), validators=[_too_long(20)])
    weight_g = StringField(_l("Weight (g)"), validators=[_too_long(10)])
    length_mm = StringField(_l("Length (mm)"), validators=[_too_long(10)])
    width_mm = StringField(_l("Width (mm)"), validators=[_too_long(10)])
    height_mm = StringField(_l("Height (mm)"), validators=[_too_long(10)])
    goods_flags = Checklist(_l("Goods that need care in transport"))
    reorder_point = StringField(_l("Reorder point (units; 0 = no alert)"), validators=[_too_long(7)])
    active = BooleanField(_l("On sale (shown to buyers)"), default=True)
    product = StringField(_l("Product code (the same on each of its variants)"), validators=[_too_long(40)])
    option1_name = SelectField(_l("First option"), validate_choice=False)
    option1_value = StringField(_l("Value in English"), validators=[_too_long(MAX_VALUE)])
    option1_value_zh = StringField(_l("Value in Chinese"), validators=[_too_long(MAX_VALUE)])
    option1_value_ru = StringField(_l("Value in Russian"), validators=[_too_long(MAX_VALUE)])
    option1_value_ur = StringField(_l("Value in Urdu"), validators=[_too_long(MAX_VALUE)])
    option2_name = SelectField(_l("Second option (optional)"), validate_choice=False)
    option2_value = StringField(_l("Value in English"), validators=[_too_long(MAX_VALUE)])
    option2_value_zh = StringField(_l("Value in Chinese"), validators=[_too_long(MAX_VALUE)])
    option2_value_ru = StringField(_l("Value in Russian"), validators=[_too_long(MAX_VALUE)])
    option2_value_ur = StringField(_l("Value in Urdu"), validators=[_too_long(MAX_VALUE)])

    def __init__(self, *args, fixed_sku: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        lang = current_language()
        self.fixed_sku = fixed_sku
        self.category.choices = [("", _l("Choose a category"))] + category_choices(lang)
        self.origin_country.choices = [("", _l("Choose a country"))] + country_choices(lang)
        self.tax_class.choices = [("", _l("By category (food: food; otherwise general goods)"))] + [
            (key, label) for key, label in TAX_CLASS_NAMES.items()]
        self.goods_flags.choices = [(flag, FLAG_NAMES[flag]) for flag in GOODS_FLAGS]
        kinds = [(kind, OPTION_NAMES[kind]) for kind in OPTION_KINDS]
        self.option1_name.choices = [("", _l("None: a listing on its own"))] + kinds
        self.option2_name.choices = [("", _l("None"))] + kinds
        self.product.render_kw = {"dir": "ltr"}
        for n in (1, 2):
            self[f"option{n}_value"].render_kw = {"lang": "en", "dir": "ltr"}
            for code in ("zh", "ru", "ur"):
                self[f"option{n}_value_{code}"].render_kw = {"lang": "zh-Hans" if code == "zh" else code,
                                                           "dir": "rtl" if code == "ur" else "ltr"}
        for code in LANGUAGES:
            # The texts are typed in their own language whatever the portal's language is.
            attrs = {"lang": "zh-Hans" if code == "zh" else code, "dir": "rtl" if code == "ur" else "ltr"}
            self[f"name_{code}"].render_kw = attrs
            self[f"description_{code}"].render_kw = attrs
        self.sku.render_kw = self.hs_code.render_kw = {"dir": "ltr"}
        self.price_cny.render_kw = {"dir": "ltr", "inputmode": "decimal"}
        for name in ("weight_g", "length_mm", "width_mm", "height_mm", "reorder_point"):
            self[name].render_kw = {"dir": "ltr", "inputmode": "numeric"}
        self.draft: listings.ListingDraft | None = None

    def raw(self) -> dict:
        values = {name: self[name].data or "" for name in listings.LISTING_FIELDS if name != "goods_flags"}
        values["sku"] = self.fixed_sku or values["sku"]
        values["goods_flags"] = list(self.goods_flags.data or [])
        values["active"] = bool(self.active.data)
        return values

    def fill(self, values: dict) -> None:
        """Show a listing's current values (on GET)."""
        for name in listings.LISTING_FIELDS:
            if name == "goods_flags":
                self.goods_flags.data = [f for f in (values.get("goods_flags") or "").split(";") if f]
            elif name in self:
                self[name].data = values.get(name) or ""
        self.active.data = bool(values.get("active", True))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        draft, problems = listings.parse_listing(self.raw())
        for name, message in said(problems).items():
            if name == "sku" and self.fixed_sku:
                continue
            self[name].errors.append(message)
        self.draft = draft
        return valid and not problems


class LotForm(FlaskForm):
    lot_number = StringField(_l("Lot number"), validators=[_too_long(40)])
    customs_entry = StringField(_l("Customs entry declaration (18 digits)"), validators=[_too_long(40)])
    quantity = StringField(_l("Quantity received"), validators=[_too_long(10)])
    expiry = StringField(_l("Expiry date (leave empty if it does not expire)"), validators=[_too_long(10)])
    bin = StringField(_l("Bin"), validators=[_too_long(20)])
    customs_status = SelectField(_l("Customs status"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.customs_status.choices = [(s, STATUS_NAMES[s]) for s in LOT_STATUSES]
        self.draft: listings.LotDraft | None = None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        raw = {name: self[name].data or "" for name in
               ("lot_number", "customs_entry", "quantity", "expiry", "bin", "customs_status")}
        draft, problems = listings.parse_lot(raw)
        for name, message in said(problems).items():
            self[name].errors.append(message)
        self.draft = draft
        return valid and not problems


class AdjustForm(FlaskForm):
    change = StringField(_l("Change in units (e.g. -3 or +10)"), validators=[InputRequired(REQUIRED)])
    reason = StringField(_l("Reason"), validators=[InputRequired(REQUIRED), _too_long(200)])

    def validate_change(self, field) -> None:
        text = (field.data or "").strip()
        if not _SIGNED.fullmatch(text):
            raise ValidationError(_l("Enter a whole number of units, with - to take away."))
        value = int(text)
        if value == 0:
            raise ValidationError(_l("Enter a change other than zero."))
        if abs(value) > listings.MAX_QUANTITY:
            raise ValidationError(_l("That number is too large."))
        field.data = text

    def validate_reason(self, field) -> None:
        problem = listings.check_text(listings.clean_text(field.data))
        if problem:
            raise ValidationError(str(problem))

    @property
    def units(self) -> int:
        return int(self.change.data)


class StatusForm(FlaskForm):
    customs_status = SelectField(_l("Customs status"), validate_choice=False)
    note = StringField(_l("Note (e.g. the release notice number)"), validators=[_too_long(200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.customs_status.choices = [(s, STATUS_NAMES[s]) for s in LOT_STATUSES]

    def validate_customs_status(self, field) -> None:
        if field.data not in LOT_STATUSES:
            raise ValidationError(_l("Choose from the list."))

    def validate_note(self, field) -> None:
        problem = listings.check_text(listings.clean_text(field.data))
        if problem:
            raise ValidationError(str(problem))


class ImportForm(FlaskForm):
    file = FileField(_l("CSV file (UTF-8)"), validators=[FileRequired(_l("Choose a CSV file to upload."))])


class TokenForm(FlaskForm):
    name = StringField(_l("Name (what the token is for)"), validators=[InputRequired(REQUIRED), _too_long(80)])

    def validate_name(self, field) -> None:
        problem = listings.check_text(listings.clean_text(field.data))
        if problem:
            raise ValidationError(str(problem))


class ActionForm(FlaskForm):
    """A button that changes something (revoking a token): only the CSRF token."""


class PhotoUploadForm(FlaskForm):
    """New photos for a listing (several at once) and, optionally, one description for all of them;
    the service judges each file by its content."""

    files = MultipleFileField(_l("Photos (JPEG, PNG or WebP, up to 15 MB each)"),
                              validators=[FileRequired(_l("Choose one or more photos to upload."))],
                              render_kw={"accept": "image/jpeg,image/png,image/webp"})
    alt_en = StringField(_l("Describe the photos in English"), validators=[_too_long(250)])
    alt_zh = StringField(_l("Describe the photos in Chinese"), validators=[_too_long(250)])
    alt_ru = StringField(_l("Describe the photos in Russian"), validators=[_too_long(250)])
    alt_ur = StringField(_l("Describe the photos in Urdu"), validators=[_too_long(250)])

    def alts(self) -> dict[str, str]:
        return {lang: self[f"alt_{lang}"].data or "" for lang in LANGUAGES}
