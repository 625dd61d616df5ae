"""Messages in the domain: a msgid and values, read in whatever language the translator says."""
import json
import operator

import pytest

from shop.domain import messages
from shop.domain.messages import N_, Nn_, render


@pytest.fixture
def no_translator(monkeypatch):
    """As before any app starts: messages read as their English msgids."""
    monkeypatch.setattr(messages, "_translator", messages._Translator())


@pytest.fixture
def shouting(monkeypatch):
    """A translator that says every message in capitals and counts what it was asked."""
    asked = []

    def gettext(msgid, **values):
        asked.append((msgid, values))
        return ((msgid % values) if values else msgid).upper()

    def ngettext(singular, plural, n, **values):
        asked.append(((singular, plural, n), values))
        return ((singular if n == 1 else plural) % {"num": n, **values}).upper()

    monkeypatch.setattr(messages, "_translator", messages._Translator())
    messages.install_translator(gettext, ngettext)
    return asked


def test_without_a_translator_a_message_reads_as_its_msgid_with_its_values(no_translator):
    assert str(N_("Enter a number from %(min)d to %(max)d.", min=1, max=9)) == "Enter a number from 1 to 9."
    assert str(N_("Use 100% cotton.")) == "Use 100% cotton."  # no values: not %-formatted, as gettext
    assert str(Nn_("Missing column: %(names)s.", "Missing columns: %(names)s.", 2, names="a, b")) \
        == "Missing columns: a, b."
    assert str(Nn_("%(num)d problem", "%(num)d problems", 1)) == "1 problem"


def test_the_installed_translator_says_the_message_and_the_messages_inside_it(shouting):
    inner = N_("Enter a whole number.")
    outer = N_("Row %(row)d: %(message)s", row=4, message=inner)
    assert str(outer) == "ROW 4: ENTER A WHOLE NUMBER."
    assert [msgid for msgid, _values in shouting] == ["Enter a whole number.", "Row %(row)d: %(message)s"]
    assert str(Nn_("%(num)d problem", "%(num)d problems", 3)) == "3 PROBLEMS"


def test_a_message_compares_searches_and_formats_as_the_text_it_says(no_translator):
    message = N_("There is no category %(slug)s.", slug="tea")
    assert message == "There is no category tea." and operator.eq("There is no category tea.", message)
    assert message != "There is no category coffee."
    assert "no category" in message and len(message) == len("There is no category tea.")
    assert f"[{message}]" == "[There is no category tea.]" and "x: " + message == "x: There is no category tea."
    assert message == N_("There is no category %(slug)s.", slug="tea")
    assert message != N_("There is no category %(slug)s.", slug="rice")
    assert render(message) == str(message)


def test_a_message_must_be_said_before_it_goes_into_json(no_translator):
    with pytest.raises(TypeError):
        json.dumps({"error": N_("Enter a whole number.")})
    assert json.dumps({"error": str(N_("Enter a whole number."))}) == '{"error": "Enter a whole number."}'
