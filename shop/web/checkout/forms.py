"""The one-page checkout form (field names are part of the public contract: CONTRACT.md)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, TelField, TextAreaField


class CheckoutForm(FlaskForm):
    """Fields only: the checks depend on the destination and live in the view's `check_checkout`."""

    name = StringField(_l("Recipient's full name"))
    phone = TelField(_l("Phone number"))
    country = SelectField(_l("Country"), validate_choice=False)
    city = StringField(_l("City"))
    address = TextAreaField(_l("Street, building and flat"))
    postcode = StringField(_l("Postcode"))
    line = StringField(_l("Shipping"))
    payment_method = StringField(_l("Payment"))
    id_name = StringField(_l("Name as on your ID card"))
    id_number = StringField(_l("PRC resident ID number"))
    discount_code = StringField(_l("Discount code"))
    idempotency_key = HiddenField()
    # Guest checkout and the Latin form of the address (shop/web/checkout/guest_checkout.py).
    email = EmailField(_l("E-mail"))
    address_latin = TextAreaField(_l("The address in Latin letters"), render_kw={"dir": "ltr", "lang": "en", "rows": 2})
    latin_made = HiddenField()


class ActionForm(FlaskForm):
    """A button that changes an order (cancel, record delivery): CSRF only."""
