"""Sentences a person will read, kept as their English msgid and values until they are read.

Services and the domain build them with the marker functions `N_` and `Nn_` (which Babel's
extraction knows: `-k N_ -k Nn_:1,2`), so the catalogues hold the same msgids `_()` would.
The web layer installs Flask-Babel's gettext and ngettext as the translator at app start; a
message then reads in the current request's language (the default locale outside a request,
as in the CLI) wherever it is turned into text. Until one is installed (pure unit tests) a
message reads as its English msgid.

Like Flask-Babel's lazy strings, a message behaves as the text it says when compared with a
string, searched (`"word" in message`), measured or formatted; two messages are equal when
they carry the same msgid and values. It is deliberately not JSON-serialisable: say it first.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping


class _Readable:
    """What a message shares with the text it says."""

    __slots__ = ()

    def _key(self) -> tuple[object, ...]:
        raise NotImplementedError

    @property
    def params(self) -> Mapping[str, object]:
        raise NotImplementedError

    def __str__(self) -> str:
        assert isinstance(self, Message | Plural)  # the only kinds there are
        return render(self)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return str(self) == other
        if isinstance(other, _Readable):
            return type(self) is type(other) and self._key() == other._key()
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(str(self))  # as a lazy string's: equal to the text it says here and now

    def __contains__(self, text: str) -> bool:
        return text in str(self)

    def __len__(self) -> int:
        return len(str(self))

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)


class Message(_Readable):
    """One translatable sentence: a msgid with its %(name)s values."""

    __slots__ = ("msgid", "_params")

    def __init__(self, msgid: str, params: Mapping[str, object] | None = None) -> None:
        self.msgid = msgid
        self._params: Mapping[str, object] = dict(params or {})

    @property
    def params(self) -> Mapping[str, object]:
        return self._params

    def _key(self) -> tuple[object, ...]:
        return (self.msgid, dict(self._params))

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, {dict(self._params)!r})"


class Plural(_Readable):
    """A sentence that depends on a count `n` (Russian has three forms, Urdu two, Chinese one);
    `%(num)d` in it is `n` unless the values name num themselves."""

    __slots__ = ("singular", "plural", "n", "_params")

    def __init__(self, singular: str, plural: str, n: int, params: Mapping[str, object] | None = None) -> None:
        self.singular = singular
        self.plural = plural
        self.n = n
        self._params: Mapping[str, object] = dict(params or {})

    @property
    def params(self) -> Mapping[str, object]:
        return self._params

    def _key(self) -> tuple[object, ...]:
        return (self.singular, self.plural, self.n, dict(self._params))

    def __repr__(self) -> str:
        return f"Plural({self.singular!r}, {self.plural!r}, {self.n!r}, {dict(self._params)!r})"


Sentence = Message | Plural


def N_(msgid: str, **params: object) -> Message:
    """A sentence to be translated when it is read."""
    return Message(msgid, params)


def Nn_(singular: str, plural: str, n: int, **params: object) -> Plural:
    """A sentence with a count, to be translated (in the count's plural form) when it is read."""
    return Plural(singular, plural, n, params)


class _Translator:
    gettext: Callable[..., str] | None = None  # (msgid, **values)
    ngettext: Callable[..., str] | None = None  # (singular, plural, n, **values)


_translator = _Translator()


def install_translator(gettext: Callable[..., str], ngettext: Callable[..., str]) -> None:
    """Say every message through these (Flask-Babel's gettext and ngettext: they find the current
    locale themselves and fill in the values with %)."""
    _translator.gettext = gettext
    _translator.ngettext = ngettext


def render(sentence: Sentence) -> str:
    """The sentence in the installed translator's language with its values filled in; a value
    that is itself a message is said first."""
    params = {key: render(value) if isinstance(value, Message | Plural) else value
              for key, value in sentence.params.items()}
    if isinstance(sentence, Plural):
        if _translator.ngettext is not None:
            return _translator.ngettext(sentence.singular, sentence.plural, sentence.n, **params)
        params.setdefault("num", sentence.n)
        return (sentence.singular if sentence.n == 1 else sentence.plural) % params
    if _translator.gettext is not None:
        return _translator.gettext(sentence.msgid, **params)
    # As gettext does: a msgid without values is not %-formatted (a literal % stays).
    return sentence.msgid % params if params else sentence.msgid
