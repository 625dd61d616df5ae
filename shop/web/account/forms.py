"""Account forms (Flask-WTF: every form carries csrf_token)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length


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
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Please choose a password.")),
        Length(min=10, max=200, message=_l("Your password needs at least 10 characters.")),
    ])
    password2 = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(_l("Please repeat the password.")),
        EqualTo("password", message=_l("The two passwords differ.")),
    ])
