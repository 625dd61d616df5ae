"""Account forms (Flask-WTF: every form carries csrf_token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from shop.services.accounts import MIN_PASSWORD_LENGTH


def Email(message):  # noqa: N802  (reads like the WTForms validator it stands in for)
    """The shape of an e-mail address (WTForms' own Email() needs the email_validator package)."""
    return Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$", message=message)


def _new_password_validators():
    return [
        DataRequired(_l("Please choose a password.")),
        Length(min=MIN_PASSWORD_LENGTH, max=200, message=_l("Your password needs at least 10 characters.")),
    ]


def _repeat_validators():
    return [DataRequired(_l("Please repeat the password.")),
            EqualTo("password", message=_l("The two passwords differ."))]


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Please enter your e-mail.")),
                                                 Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Please enter your password.")),
                                                         Length(max=200)])
    remember = BooleanField(_l("Remember me"))


class RegisterForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(_l("Please enter your name.")), Length(max=120)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Please enter your e-mail.")),
                                                 Email(_l("Please enter a valid e-mail address.")),
                                                 Length(max=254)])
    password = PasswordField(_l("Password"), validators=_new_password_validators())
    password2 = PasswordField(_l("Repeat the password"), validators=_repeat_validators())


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Please enter your current password.")), Length(max=200)])
    password = PasswordField(_l("New password"), validators=_new_password_validators())
    password2 = PasswordField(_l("Repeat the new password"), validators=_repeat_validators())


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Please enter your e-mail.")),
                                                 Email(_l("Please enter a valid e-mail address.")),
                                                 Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=_new_password_validators())
    password2 = PasswordField(_l("Repeat the new password"), validators=_repeat_validators())
