"""Addresses in Latin letters for carriers and customs: Russian (and the Cyrillic of Kazakh,
Kyrgyz and Tajik) by ICAO Doc 9303 or GOST 7.79-2000 system B, Chinese as Hanyu Pinyin words,
Urdu by a romanisation that reads the way Pakistani addresses are written in English.

Pure: the readings of Chinese characters come from the caller (`han_reader`: characters ->
toneless pinyin syllables, one per character), so this module needs no dictionary package."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

HanReader = Callable[[str], Sequence[str]]

# ---- Cyrillic ---------------------------------------------------------------------------------

# ICAO Doc 9303 (the Russian international passport since 2010): no marks, so a courier types it.
_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y",
    "ь": "", "э": "e", "ю": "iu", "я": "ia",
}
# GOST 7.79-2000, system B (ASCII only, reversible): ц is "c" before е, и, ы, й and "cz" elsewhere.
_GOST_B = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "x", "ц": "cz", "ч": "ch", "ш": "sh", "щ": "shh", "ъ": "``", "ы": "y'",
    "ь": "`", "э": "e`", "ю": "yu", "я": "ya",
}
# Letters of the other Cyrillic alphabets on the lines (Kazakh, Kyrgyz, Tajik), as their own
# national Latin alphabets write them.
_CYRILLIC_EXTRA = {
    "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
    "ӣ": "i", "ӯ": "u", "ҳ": "h", "ҷ": "j", "ў": "u", "є": "ye", "ї": "yi", "ґ": "g",
}
SCHEMES = ("icao", "gost_b")


def _is_cyrillic(char: str) -> bool:
    return "\u0400" <= char <= "\u04ff" or "\u0500" <= char <= "\u052f"


def cyrillic(text: str, scheme: str = "icao") -> str:
    """Cyrillic letters in Latin by `scheme` ("icao" or "gost_b"); other characters unchanged.
    A capital letter gives a capital first letter, or all capitals inside an upper-case word."""
    table = _GOST_B if scheme == "gost_b" else _ICAO
    out: list[str] = []
    for i, char in enumerate(text):
        lower = char.lower()
        latin = table.get(lower, _CYRILLIC_EXTRA.get(lower))
        if latin is None:
            out.append(char)
            continue
        if scheme == "gost_b" and lower == "ц" and text[i + 1:i + 2].lower() in ("е", "и", "ы", "й"):
            latin = "c"
        if char != lower and latin:
            neighbours = text[max(i - 1, 0):i] + text[i + 1:i + 2]
            shouting = bool(neighbours.strip()) and all(c.isupper() for c in neighbours if c.isalpha())
            latin = latin.upper() if shouting and any(c.isalpha() for c in neighbours) else latin.capitalize()
        out.append(latin)
    return "".join(out)


# ---- Chinese ----------------------------------------------------------------------------------

# Generic parts of a Chinese address: written as words of their own after the proper name, as
# the national standard for place names in Latin (GB/T 16159) does: 朝阳区 -> Chaoyang Qu.
_GENERIC = ("自治区", "特别行政区", "开发区", "新区", "大道", "大街", "胡同", "街道", "小区", "单元", "公寓", "大厦",
            "花园", "广场", "省", "市", "区", "县", "镇", "乡", "村", "路", "街", "道", "巷", "弄", "里", "号",
            "栋", "幢", "座", "楼", "层", "室", "门")
_VOWEL_START = ("a", "o", "e")


def _pinyin_word(syllables: Sequence[str]) -> str:
    """Syllables joined into one word, with the apostrophe pinyin puts before a, o, e (Xi'an)."""
    word = ""
    for syllable in syllables:
        syllable = syllable.lower().replace("ü", "yu").replace("v", "yu") if syllable else ""
        if word and syllable.startswith(_VOWEL_START):
            word += "'"
        word += syllable
    return word[:1].upper() + word[1:]


def _han_run(run: str, read: HanReader) -> list[str]:
    syllables = list(read(run))
    if len(syllables) != len(run):  # a reader that merged or dropped characters: one word each
        return [_pinyin_word([s]) for s in syllables if s]
    words: list[str] = []
    start = i = 0
    while i < len(run):
        generic = next((g for g in _GENERIC if run.startswith(g, i)), None)
        if generic is None:
            i += 1
            continue
        if start < i:
            words.append(_pinyin_word(syllables[start:i]))
        words.append(_pinyin_word(syllables[i:i + len(generic)]))
        i = start = i + len(generic)
    if start < len(run):
        words.append(_pinyin_word(syllables[start:]))
    return words


def chinese_name(name: str, read: HanReader) -> str:
    """A person's name: surname, then the given name as one word (张伟 -> Zhang Wei)."""
    han = "".join(c for c in name if _is_han(c))
    if not han or han != name.strip():
        return ""
    syllables = list(read(han))
    if len(syllables) != len(han) or len(han) < 2:
        return _pinyin_word(syllables)
    surname = 2 if han[:2] in _COMPOUND_SURNAMES and len(han) > 2 else 1
    return f"{_pinyin_word(syllables[:surname])} {_pinyin_word(syllables[surname:])}"


_COMPOUND_SURNAMES = frozenset(("欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐",
                                "夏侯", "长孙", "宇文", "司徒", "西门", "独孤", "端木", "轩辕"))


def _is_han(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff"


# ---- Urdu -------------------------------------------------------------------------------------

# Words and names of Pakistani addresses, as they are written in English there. Anything else
# goes through the rules below.
URDU_WORDS: dict[str, str] = {
    # cities and provinces
    "لاہور": "Lahore", "کراچی": "Karachi", "اسلام آباد": "Islamabad", "راولپنڈی": "Rawalpindi",
    "فیصل آباد": "Faisalabad", "ملتان": "Multan", "پشاور": "Peshawar", "کوئٹہ": "Quetta", "سیالکوٹ": "Sialkot",
    "گوجرانوالہ": "Gujranwala", "حیدر آباد": "Hyderabad", "حیدرآباد": "Hyderabad", "ایبٹ آباد": "Abbottabad",
    "بہاولپور": "Bahawalpur", "سرگودھا": "Sargodha", "سکھر": "Sukkur", "گجرات": "Gujrat", "مردان": "Mardan",
    "گلگت": "Gilgit", "سوات": "Swat", "مظفر آباد": "Muzaffarabad", "جہلم": "Jhelum", "ساہیوال": "Sahiwal",
    "شیخوپورہ": "Sheikhupura", "قصور": "Kasur", "اوکاڑہ": "Okara", "رحیم یار خان": "Rahim Yar Khan",
    "ڈیرہ غازی خان": "Dera Ghazi Khan", "ڈیرہ اسماعیل خان": "Dera Ismail Khan", "ہنزہ": "Hunza",
    "سوست": "Sost", "خنجراب": "Khunjerab", "چترال": "Chitral", "گوادر": "Gwadar", "نوشہرہ": "Nowshera",
    "پنجاب": "Punjab", "سندھ": "Sindh", "بلوچستان": "Balochistan", "خیبر پختونخوا": "Khyber Pakhtunkhwa",
    "پاکستان": "Pakistan", "کشمیر": "Kashmir",
    # the parts of an address
    "روڈ": "Road", "سڑک": "Sarak", "شاہراہ": "Shahrah", "گلی": "Gali", "اسٹریٹ": "Street", "سٹریٹ": "Street",
    "مکان": "House", "نمبر": "No.", "فلیٹ": "Flat", "بلاک": "Block", "سیکٹر": "Sector", "فیز": "Phase",
    "ٹاؤن": "Town", "ٹاون": "Town", "کالونی": "Colony", "سوسائٹی": "Society", "محلہ": "Mohalla",
    "بازار": "Bazaar", "چوک": "Chowk", "مارکیٹ": "Market", "پلازہ": "Plaza", "منزل": "Floor",
    "نزد": "near", "ضلع": "District", "تحصیل": "Tehsil", "گاؤں": "Village", "شہر": "City",
    "اپارٹمنٹ": "Apartment", "ٹاور": "Tower", "ایونیو": "Avenue", "پارک": "Park", "گارڈن": "Garden",
    "ماڈل": "Model", "نیو": "New", "اولڈ": "Old", "ڈیفنس": "Defence", "کینٹ": "Cantt", "صدر": "Saddar",
    "مال": "Mall", "جی ٹی": "GT", "پوسٹ آفس": "Post Office", "ڈاکخانہ": "Post Office",
    # places and names often met in them
    "گلبرگ": "Gulberg", "جوہر": "Johar", "اقبال": "Iqbal", "علامہ": "Allama", "قائد": "Quaid",
    "جناح": "Jinnah", "انارکلی": "Anarkali", "گلشن": "Gulshan", "ستلج": "Sutlej", "راوی": "Ravi",
    "محمد": "Muhammad", "احمد": "Ahmad", "علی": "Ali", "خان": "Khan", "حسین": "Hussain", "فاطمہ": "Fatima",
    "عائشہ": "Ayesha", "عمران": "Imran", "فیصل": "Faisal", "بلال": "Bilal", "عثمان": "Usman", "زینب": "Zainab",
    "شیخ": "Sheikh", "ملک": "Malik", "چودھری": "Chaudhry", "بٹ": "Butt", "قریشی": "Qureshi", "رضا": "Raza",
    "حسن": "Hassan", "نور": "Noor", "بی بی": "Bibi", "بیگم": "Begum", "اسلام": "Islam", "آباد": "Abad",
}

# Letters of Arabic written for the Urdu ones (keyboards mix them): one spelling to look up.
_URDU_NORMAL = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ه": "ہ", "ة": "ۃ", "ۀ": "ۂ", "\u200c": " ",
                              "\u200d": "", "ـ": ""})
_URDU_CONSONANTS = {
    "ب": "b", "پ": "p", "ت": "t", "ٹ": "t", "ث": "s", "ج": "j", "چ": "ch", "ح": "h", "خ": "kh", "د": "d",
    "ڈ": "d", "ذ": "z", "ر": "r", "ڑ": "r", "ز": "z", "ژ": "zh", "س": "s", "ش": "sh", "ص": "s", "ض": "z",
    "ط": "t", "ظ": "z", "غ": "gh", "ف": "f", "ق": "q", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n",
    "ں": "n", "ہ": "h", "ۃ": "t",
}
_URDU_MARKS = {"\u064e": "a", "\u0650": "i", "\u064f": "u", "\u064b": "an", "\u0670": "a"}
_SHADDA, _SUKUN = "\u0651", "\u0652"
_URDU_PUNCTUATION = str.maketrans({"،": ",", "؛": ";", "۔": ".", "؟": "?", "٪": "%", "«": '"', "»": '"'})
_EASTERN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "0123456789" * 2)
_VOWEL_LETTERS = frozenset("اآویےعئؤ")
# Letters and vowel marks of the Arabic script (not its punctuation or digits).
_LETTER_CLASS = "\u0621-\u063f\u0641-\u065f\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"
_URDU_LETTERS = re.compile(f"[{_LETTER_CLASS}]")
_URDU_TOKENS = re.compile(f"[{_LETTER_CLASS}]+|[^{_LETTER_CLASS}]+")


def _is_arabic_script(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f" or "\ufb50" <= char <= "\ufeff"


def _urdu_sounds(word: str) -> list[tuple[str, str]]:
    """The word as sounds: ("C", consonant), ("V", vowel) and ("M", a written short vowel)."""
    sounds: list[tuple[str, str]] = []
    letters = list(word)
    i = 0
    while i < len(letters):
        char = letters[i]
        nxt = letters[i + 1] if i + 1 < len(letters) else ""
        at_start = not sounds
        at_end = all(c in _URDU_MARKS or c in (_SHADDA, _SUKUN) for c in letters[i + 1:])
        after_vowel = bool(sounds) and sounds[-1][0] in ("V", "M")
        if char in _URDU_MARKS:
            sounds.append(("M", _URDU_MARKS[char]))
        elif char == _SHADDA:  # a doubled consonant (محمّد): the last one again, before its vowel mark
            at = max((k for k, s in enumerate(sounds) if s[0] == "C"), default=None)
            if at is not None:
                sounds.insert(at, sounds[at])
        elif char == _SUKUN:
            sounds.append(("M", ""))
        elif char == "ھ":  # do-chashmi he: the consonant before it is aspirated (bh, ph, kh, gh)
            if sounds and sounds[-1][0] == "C" and (sounds[-1][1] == "ch" or not sounds[-1][1].endswith("h")):
                sounds[-1] = ("C", sounds[-1][1] + "h")
            elif not sounds or sounds[-1][0] != "C":
                sounds.append(("C", "h"))
        elif char == "آ":
            sounds.append(("V", "a"))
        elif char == "ا":
            if not (at_start and nxt in _URDU_MARKS):
                sounds.append(("V", "a"))
        elif char == "ع":
            if not (after_vowel or nxt in _VOWEL_LETTERS or nxt in _URDU_MARKS):
                sounds.append(("V", "a"))
        elif char == "و":
            if at_start or nxt in ("ا", "آ", "ی", "ے"):
                sounds.append(("C", "w"))
            elif after_vowel and sounds[-1][1] == "a":
                sounds.append(("V", "w"))  # "aw": Chowk
            elif sounds and sounds[-1] == ("M", "u"):
                pass  # pesh and wao: one long u
            else:
                sounds.append(("V", "o"))
        elif char == "ؤ":
            sounds.append(("V", "o"))
        elif char == "ی":
            sounds.append(("C", "y") if at_start or nxt in ("ا", "آ", "و") else ("V", "i"))
        elif char == "ے":
            sounds.append(("V", "ai" if after_vowel and sounds[-1][1] == "a" else "e"))
        elif char == "ئ":
            if nxt not in ("ی", "ے") or not after_vowel:
                sounds.append(("V", "a" if not after_vowel else "i"))
        elif char == "ء":
            pass
        elif char in ("ہ", "ۂ") and at_end and sounds and sounds[-1][0] == "C":
            sounds.append(("V", "a"))  # a final he after a consonant is a vowel: Mohalla, Madina
            if char == "ۂ":
                sounds.append(("V", "-e"))
        elif char in _URDU_CONSONANTS:
            sounds.append(("C", _URDU_CONSONANTS[char]))
        i += 1
    return sounds


def _urdu_by_rule(word: str) -> str:
    """Romanise a word the dictionary does not know. Urdu writes long vowels and leaves most short
    ones out, so an "a" is put back where the word could not be spoken without one: after a first
    consonant followed by another (Karachi), and inside a run of three (Anarkali); a word may end
    in two consonants (Gulberg). Written short vowels (zabar, zer, pesh) are followed as written."""
    sounds = _urdu_sounds(word)
    inserts: set[int] = set()  # indexes of the consonants an "a" follows
    if not any(kind == "M" for kind, _ in sounds):
        i = 0
        while i < len(sounds):
            if sounds[i][0] != "C":
                i += 1
                continue
            end = i
            while end + 1 < len(sounds) and sounds[end + 1][0] == "C":
                end += 1
            run = list(range(i, end + 1))
            if i == 0 and len(run) > 1:
                inserts.add(run[0])  # no Urdu word starts with two consonants
                run = run[1:]
            final = end == len(sounds) - 1
            # The first consonant closes a syllable, the last opens the next (or, at the end of
            # the word, the last two close it); those in between need a vowel of their own.
            inserts.update(run[1:len(run) - (2 if final else 1)])
            i = end + 1
    out = []
    for i, (_kind, value) in enumerate(sounds):
        out.append(value + ("a" if i in inserts else ""))
    text = re.sub(r"([aeiou])\1{2,}", r"\1\1", "".join(out))
    return text[:1].upper() + text[1:]


def urdu(text: str) -> str:
    """Urdu (and Arabic-script) text in Latin letters, word by word, known names as Pakistan
    writes them (لاہور -> Lahore), punctuation and Eastern Arabic digits made ASCII."""
    text = unicodedata.normalize("NFC", text).translate(_URDU_NORMAL)
    tokens = _URDU_TOKENS.findall(text)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if not _URDU_LETTERS.match(token):
            out.append(token.translate(_URDU_PUNCTUATION).translate(_EASTERN_DIGITS))
            i += 1
            continue
        # The longest phrase of known words first (اسلام آباد, رحیم یار خان), up to three words.
        for span in (5, 3, 1):
            phrase = "".join(tokens[i:i + span])
            if span > 1 and (len(tokens) < i + span or any(t.strip() for t in tokens[i + 1:i + span:2])):
                continue
            known = URDU_WORDS.get(" ".join(phrase.split()))
            if known:
                out.append(known)
                i += span
                break
        else:
            out.append(URDU_WORDS.get(token) or _urdu_by_rule(token))
            i += 1
    return "".join(out)


# ---- any text ---------------------------------------------------------------------------------

_LATIN_MARKS = str.maketrans({"ʻ": "'", "ʼ": "'", "‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-",
                              "，": ", ", "。": ". ", "、": ", ", "：": ": ", "（": " (", "）": ") ", "；": "; ",
                              "№": "No. ", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "ı": "i", "ł": "l", "Ł": "L"})
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _plain_latin(text: str) -> str:
    """Latin text without its accents (Oʻzbekiston, Üsküdar), as ASCII a label printer takes;
    letters of scripts this module does not know are left for the caller."""
    text = text.translate(_LATIN_MARKS).translate(_FULL_WIDTH_DIGITS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def latin(text: str, han_reader: HanReader | None = None, *, russian: str = "icao") -> str:
    """Any address text in Latin letters: Chinese runs as pinyin words (when a reader is given),
    Cyrillic by `russian` ("icao" or "gost_b"), Urdu by its romanisation; spaces tidied."""
    if not text:
        return ""
    # A zero-width non-joiner parts the pieces of an Urdu compound (اسلام‌آباد): a space in Latin.
    text = unicodedata.normalize("NFC", text).replace("\u200c", " ").replace("\u200d", "")
    parts: list[str] = []
    for run, kind in _runs(text):
        if kind == "han":
            parts.append(" " + " ".join(_han_run(run, han_reader)) + " " if han_reader else run)
        elif kind == "cyrillic":
            parts.append(cyrillic(run, russian))
        elif kind == "arabic":
            parts.append(urdu(run))
        else:
            parts.append(run)
    joined = _plain_latin("".join(parts))
    joined = re.sub(r"\s+([,.;:)])", r"\1", joined)
    joined = re.sub(r"([,;])(?=[^\s\d])", r"\1 ", joined)
    joined = re.sub(r"\(\s+", "(", joined)
    return re.sub(r"[ \t]+", " ", joined).strip(" ")


def _kind(char: str) -> str:
    if _is_han(char):
        return "han"
    if _is_cyrillic(char):
        return "cyrillic"
    if _is_arabic_script(char) or char in "۰۱۲۳۴۵۶۷۸۹":
        return "arabic"
    return "other"


def _runs(text: str) -> list[tuple[str, str]]:
    """The text cut into runs of one script; spaces and marks between two Urdu words stay in the
    Urdu run (phrases such as اسلام آباد are looked up whole)."""
    runs: list[tuple[str, str]] = []
    for char in text:
        kind = _kind(char)
        if runs and (runs[-1][1] == kind or (kind == "other" and runs[-1][1] == "arabic" and char == " ")):
            runs[-1] = (runs[-1][0] + char, runs[-1][1])
        else:
            runs.append((char, kind))
    return runs


def needs_latin(text: str) -> bool:
    """Whether the text has letters a Latin-only reader could not read."""
    return any(ord(c) > 127 and c.isalpha() and _kind(c) != "other" for c in text)


def address_block(*, name: str, address: str, city: str, postcode: str, country: str,
                  han_reader: HanReader | None = None, city_latin: str | None = None) -> str:
    """The whole address as one Latin line, name first, the country code last."""
    person = chinese_name(name, han_reader) if han_reader and name and _is_han(name.strip()[:1]) else ""
    parts = [person or latin(name, han_reader), latin(address, han_reader).replace("\n", ", "),
             city_latin or latin(city, han_reader), postcode, country]
    block = ", ".join(p.strip(" ,") for p in parts if p and p.strip(" ,"))
    return re.sub(r",\s*,", ",", block)[:600]
