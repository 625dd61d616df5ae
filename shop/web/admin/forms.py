"""Back-office forms (Flask-WTF: CSRF on every one), with fields whose messages are the shop's own
translated words rather than WTForms' (which have no Urdu)."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from shop.domain import money, routing
from shop.domain.customs import DUTY_BASES, DUTY_PERIODS
from shop.domain.places import ISO_COUNTRIES
from shop.i18n import LANGUAGES
from shop.services import admin as admin_service
from shop.services import lines as line_service
from shop.services import pricing
from shop.web.words import GOODS_NAMES

REQUIRED = _l("This field is required.")
MODE_NAMES = {"truck": _l("Truck"), "air": _l("Air"), "rail": _l("Rail"), "express": _l("Domestic express")}
KIND_NAMES = {"season": _l("Season (rules the line out)"), "other": _l("Other (skips the days)")}
PER_NAMES = {"parcel": _l("per parcel"), "month": _l("per month")}
BASIS_NAMES = {"excess": _l("the value above the threshold"), "full": _l("the whole value, once over the threshold")}
ROLE_NAMES = {"buyer": _l("Buyer"), "merchant": _l("Merchant"), "staff": _l("Staff"), "admin": _l("Administrator")}
_TIME = re.compile(r"([01]?[0-9]|2[0-3]):([0-5][0-9])")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _TextParsedField(Field):
    """A text input whose value is parsed by `parse`, which raises ValueError with the message."""

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return self.format(self.data) if self.data is not None else ""

    def format(self, value) -> str:
        return str(value)

    def parse(self, text: str):
        raise NotImplementedError

    def process_formdata(self, valuelist) -> None:
        if not valuelist:
            return
        text = valuelist[0].strip()
        if not text:
            self.data = None
            return
        try:
            self.data = self.parse(text)
        except ValueError as error:
            self.data = None
            raise ValueError(str(error.args[0])) from None


class WholeNumberField(_TextParsedField):
    """A count from `minimum` to `maximum`, ASCII digits only."""

    def __init__(self, label=None, validators=None, minimum: int = 0, maximum: int = 10**9, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.minimum, self.maximum = minimum, maximum

    def parse(self, text: str) -> int:
        if not text.isascii() or not text.isdigit():
            raise ValueError(_l("Enter a whole number."))
        value = int(text)
        if not self.minimum <= value <= self.maximum:
            raise ValueError(_l("Enter a number from %(min)d to %(max)d.", min=self.minimum, max=self.maximum))
        return value


class AmountField(_TextParsedField):
    """A price in CNY: zero or more, at most two decimals."""

    def format(self, value) -> str:
        return f"{Decimal(value):.2f}"

    def parse(self, text: str) -> Decimal:
        try:
            amount = money.parse_amount(text)
        except money.InvalidAmount as error:
            raise ValueError({
                "negative": _l("A price cannot be negative."),
                "too_many_decimals": _l("Use at most two decimals."),
            }.get(error.reason, _l("Enter an amount such as 12.50."))) from None
        if amount >= Decimal("1000000"):
            raise ValueError(_l("That amount is too large."))
        return amount


class DecimalNumberField(_TextParsedField):
    """A non-negative (or, with positive=True, strictly positive) decimal number."""

    def __init__(self, label=None, validators=None, places: int = 3, positive: bool = False,
                 maximum: Decimal = Decimal("1e9"), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.places, self.positive, self.maximum = places, positive, maximum

    def format(self, value) -> str:
        text = format(Decimal(value).normalize(), "f")
        return text

    def parse(self, text: str) -> Decimal:
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?|-[0-9.]+", text):
            raise ValueError(_l("Enter a number such as 12.5."))
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError(_l("Enter a number such as 12.5.")) from None
        if value < 0:
            raise ValueError(_l("This cannot be negative."))
        if self.positive and value == 0:
            raise ValueError(_l("This must be more than zero."))
        exponent = value.as_tuple().exponent  # an int: the pattern admits finite numbers only
        if isinstance(exponent, int) and -exponent > self.places:
            raise ValueError(_l("Use at most %(places)d decimals.", places=self.places))
        if value > self.maximum:
            raise ValueError(_l("That number is too large."))
        return value


class CutoffField(_TextParsedField):
    """A time of day as HH:MM (Asia/Shanghai)."""

    def format(self, value) -> str:
        return value.strftime("%H:%M")

    def parse(self, text: str) -> dt.time:
        match = _TIME.fullmatch(text)
        if not match:
            raise ValueError(_l("Enter a time as HH:MM, e.g. 18:00."))
        return dt.time(int(match.group(1)), int(match.group(2)))


class DayField(_TextParsedField):
    """A date as YYYY-MM-DD."""

    def format(self, value) -> str:
        return value.isoformat()

    def parse(self, text: str) -> dt.date:
        try:
            if not _DATE.fullmatch(text):
                raise ValueError(text)
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(_l("Enter a date as YYYY-MM-DD, e.g. 2026-12-01.")) from None

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.widget = TextInput(input_type="date")


class ChecklistField(SelectMultipleField):
    """Checkboxes for a multiple choice; a value off the list is refused in our own words."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form) -> None:
        values = {value for value, _label in self.choices}
        if any(item not in values for item in self.data or ()):
            raise ValidationError(_l("Choose from the list."))


class ChoiceField(SelectField):
    def pre_validate(self, form) -> None:
        if self.data not in {value for value, _label in self.choices}:
            raise ValidationError(_l("Choose from the list."))


def weekday_choices() -> list[tuple[int, str]]:
    names = get_day_names("wide", locale=get_locale())
    return [(day, names[day]) for day in range(7)]


class LineForm(FlaskForm):
    name_en = StringField(_l("Name (English)"), validators=[InputRequired(REQUIRED), Length(max=120)])
    name_zh = StringField(_l("Name (Chinese)"), validators=[Optional(), Length(max=120)])
    name_ru = StringField(_l("Name (Russian)"), validators=[Optional(), Length(max=120)])
    name_ur = StringField(_l("Name (Urdu)"), validators=[Optional(), Length(max=120)])
    mode = ChoiceField(_l("Mode"))
    weekdays = ChecklistField(_l("Departure days"), coerce=int)
    cutoff = CutoffField(_l("Cut-off time (Asia/Shanghai, HH:MM)"), validators=[InputRequired(REQUIRED)])
    transit_days_min = WholeNumberField(_l("Shortest transit (days)"), [InputRequired(REQUIRED)], maximum=120)
    transit_days_max = WholeNumberField(_l("Longest transit (days)"), [InputRequired(REQUIRED)], maximum=120)
    serves = TextAreaField(_l("Serves"), validators=[InputRequired(REQUIRED), Length(max=4000)])
    refused_flags = ChecklistField(_l("Refused goods (everything else is accepted)"))
    max_parcel_kg = DecimalNumberField(_l("Largest parcel (kg)"), [InputRequired(REQUIRED)], places=3,
                                       positive=True, maximum=Decimal(100000))
    max_side_cm = DecimalNumberField(_l("Longest side of a parcel (cm)"), [InputRequired(REQUIRED)], places=1,
                                     positive=True, maximum=Decimal(10000))
    capacity_kg = DecimalNumberField(_l("Capacity per departure (kg)"), [InputRequired(REQUIRED)], places=2,
                                     maximum=Decimal("99999999"))
    capacity_m3 = DecimalNumberField(_l("Capacity per departure (m³)"), [InputRequired(REQUIRED)], places=3,
                                     maximum=Decimal("9999999"))
    first_weight_g = WholeNumberField(_l("First weight (g)"), [InputRequired(REQUIRED)], minimum=1,
                                      maximum=1_000_000)
    first_price = AmountField(_l("First-weight price (CNY)"), [InputRequired(REQUIRED)])
    step_g = WholeNumberField(_l("Continued-weight step (g)"), [InputRequired(REQUIRED)], minimum=1,
                              maximum=1_000_000)
    step_price = AmountField(_l("Price per step (CNY)"), [InputRequired(REQUIRED)])
    volumetric_divisor = WholeNumberField(_l("Volumetric divisor (cm³ per kg)"), [InputRequired(REQUIRED)],
                                          minimum=1, maximum=100_000)
    closes_on_cn_holidays = BooleanField(_l("Closed on Chinese public holidays"))
    active = BooleanField(_l("Active (offered to buyers)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode.choices = [(mode, str(MODE_NAMES.get(mode, mode))) for mode in routing.MODES]
        self.weekdays.choices = weekday_choices()
        self.refused_flags.choices = [(flag, str(GOODS_NAMES[flag])) for flag in routing.GOODS_FLAGS]
        self.parsed_serves: dict[str, list[str]] = {}

    def validate_weekdays(self, field) -> None:
        if not field.data:
            raise ValidationError(_l("Choose at least one departure day."))

    def validate_transit_days_max(self, field) -> None:
        low = self.transit_days_min.data
        if field.data is not None and low is not None and field.data < low:
            raise ValidationError(_l("The longest transit cannot be shorter than the shortest."))

    def validate_serves(self, field) -> None:
        try:
            self.parsed_serves = line_service.parse_serves(field.data, ISO_COUNTRIES)
        except line_service.ServesError as error:
            message = {
                "unknown_country": _l("Line %(n)d: %(text)s is not a country code.", n=error.line_no,
                                      text=error.text),
                "duplicate": _l("Line %(n)d: %(text)s is listed twice.", n=error.line_no, text=error.text),
            }.get(error.code, _l("Line %(n)d: write a country code, then a colon and its cities.",
                                 n=error.line_no))
            raise ValidationError(message) from None
        if not self.parsed_serves:
            raise ValidationError(_l("Name at least one country."))

    def fill_from(self, line) -> None:
        """Show a line's current values (on GET)."""
        names = line.names or {}
        for lang in LANGUAGES:
            getattr(self, f"name_{lang}").data = names.get(lang, "")
        self.mode.data = line.mode
        self.weekdays.data = sorted(line.weekdays or ())
        self.cutoff.data = line.cutoff
        self.transit_days_min.data = line.transit_days_min
        self.transit_days_max.data = line.transit_days_max
        self.serves.data = line_service.format_serves(line.serves)
        self.refused_flags.data = sorted(line.refused_flags or ())
        self.max_parcel_kg.data = Decimal(line.max_parcel_weight_g) / 1000
        self.max_side_cm.data = Decimal(line.max_parcel_side_mm) / 10
        self.capacity_kg.data = Decimal(line.capacity_kg)
        self.capacity_m3.data = Decimal(line.capacity_m3)
        self.first_weight_g.data = line.first_weight_g
        self.first_price.data = Decimal(line.first_price)
        self.step_g.data = line.step_g
        self.step_price.data = Decimal(line.step_price)
        self.volumetric_divisor.data = line.volumetric_divisor
        self.closes_on_cn_holidays.data = line.closes_on_cn_holidays
        self.active.data = line.active

    def values(self) -> dict:
        """The validated form as ExpressLine column values."""
        names = {lang: getattr(self, f"name_{lang}").data.strip() for lang in LANGUAGES
                 if (getattr(self, f"name_{lang}").data or "").strip()}
        max_kg, max_cm = self.max_parcel_kg.data, self.max_side_cm.data
        # InputRequired refuses either one empty: a form that validated has both.
        assert max_kg is not None and max_cm is not None, "values() of a form that did not validate"
        return {
            "names": names, "mode": self.mode.data, "weekdays": sorted(set(self.weekdays.data)),
            "cutoff": self.cutoff.data, "transit_days_min": self.transit_days_min.data,
            "transit_days_max": self.transit_days_max.data, "serves": self.parsed_serves,
            "refused_flags": sorted(set(self.refused_flags.data or ())),
            "max_parcel_weight_g": int(max_kg * 1000), "max_parcel_side_mm": int(max_cm * 10),
            "capacity_kg": self.capacity_kg.data, "capacity_m3": self.capacity_m3.data,
            "first_weight_g": self.first_weight_g.data, "first_price": self.first_price.data,
            "step_g": self.step_g.data, "step_price": self.step_price.data,
            "volumetric_divisor": self.volumetric_divisor.data,
            "closes_on_cn_holidays": bool(self.closes_on_cn_holidays.data), "active": bool(self.active.data),
        }


class ClosureForm(FlaskForm):
    start = DayField(_l("First day closed"), validators=[InputRequired(REQUIRED)])
    end = DayField(_l("Last day closed"), validators=[InputRequired(REQUIRED)])
    yearly = BooleanField(_l("Every year (the years are ignored; may wrap the new year)"))
    kind = ChoiceField(_l("Kind"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(kind, str(KIND_NAMES[kind])) for kind in routing.CLOSURE_KINDS]

    def validate_end(self, field) -> None:
        if field.data and self.start.data and not self.yearly.data and field.data < self.start.data:
            raise ValidationError(_l("The closure cannot end before it starts."))


class RateForm(FlaskForm):
    currency = ChoiceField(_l("Currency"))
    rate = DecimalNumberField(_l("Units of the currency for 1 CNY"), [InputRequired(REQUIRED)], places=8,
                              positive=True, maximum=Decimal("9999999999"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = sorted((set(pricing.CURRENCIES) | set(money.CURRENCIES)) - {"CNY"})
        self.currency.choices = [(code, code) for code in codes]


class DutyRuleForm(FlaskForm):
    threshold = AmountField(_l("Duty-free threshold"), [InputRequired(REQUIRED)])
    currency = ChoiceField(_l("Currency of the threshold"))
    rate_percent = DecimalNumberField(_l("Duty above the threshold (%)"), [InputRequired(REQUIRED)], places=2,
                                      maximum=Decimal(100))
    per = ChoiceField(_l("Threshold applies"))
    basis = ChoiceField(_l("Duty is charged on"))
    valid_from = DayField(_l("Applies from (empty: always)"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency.choices = [(code, code) for code in sorted(money.CURRENCIES)]
        self.per.choices = [(per, str(PER_NAMES[per])) for per in DUTY_PERIODS]
        self.basis.choices = [(basis, str(BASIS_NAMES[basis])) for basis in DUTY_BASES]


class RoleForm(FlaskForm):
    role = ChoiceField(_l("Role"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(role, str(ROLE_NAMES[role])) for role in admin_service.ROLES]


class ActionForm(FlaskForm):
    """A button that changes something (removing a closure): only the CSRF token."""
