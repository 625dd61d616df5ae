"""Where goods can go: ISO country codes, the cities the shop offers in each country it
serves (with their names in the shop's languages) and the default destination per language.

Pure data: routing compares Latin city names, pages show the native ones."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# ISO 3166-1 alpha-2 codes of countries and territories goods can be sent to (CLDR's list,
# without its regions and placeholders such as EU, UN and ZZ).
ISO_COUNTRIES = frozenset({
    "AC", "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT",
    "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CP",
    "CQ", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DG", "DJ", "DK", "DM", "DO", "DZ", "EA", "EC",
    "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
    "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN",
    "HR", "HT", "HU", "IC", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO",
    "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK",
    "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN",
    "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG",
    "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN",
    "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG",
    "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TA", "TC",
    "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG",
    "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA",
    "ZM", "ZW",
})

# Country names the shop says its own way in each language (CLDR names the rest).
COUNTRY_NAMES: dict[str, dict[str, str]] = {
    "CN": {"en": "China", "zh": "中国", "ru": "Китай", "ur": "چین"},
    "RU": {"en": "Russia", "zh": "俄罗斯", "ru": "Россия", "ur": "روس"},
    "KZ": {"en": "Kazakhstan", "zh": "哈萨克斯坦", "ru": "Казахстан", "ur": "قازقستان"},
    "KG": {"en": "Kyrgyzstan", "zh": "吉尔吉斯斯坦", "ru": "Кыргызстан", "ur": "کرغیزستان"},
    "UZ": {"en": "Uzbekistan", "zh": "乌兹别克斯坦", "ru": "Узбекистан", "ur": "ازبکستان"},
    "TJ": {"en": "Tajikistan", "zh": "塔吉克斯坦", "ru": "Таджикистан", "ur": "تاجکستان"},
    "PK": {"en": "Pakistan", "zh": "巴基斯坦", "ru": "Пакистан", "ur": "پاکستان"},
    "AF": {"en": "Afghanistan", "zh": "阿富汗", "ru": "Афганистан", "ur": "افغانستان"},
    "BY": {"en": "Belarus", "zh": "白俄罗斯", "ru": "Беларусь", "ur": "بیلاروس"},
    "TR": {"en": "Türkiye", "zh": "土耳其", "ru": "Турция", "ur": "ترکیہ"},
    "AZ": {"en": "Azerbaijan", "zh": "阿塞拜疆", "ru": "Азербайджан", "ur": "آذربائیجان"},
    "GE": {"en": "Georgia", "zh": "格鲁吉亚", "ru": "Грузия", "ur": "جارجیا"},
    "MN": {"en": "Mongolia", "zh": "蒙古国", "ru": "Монголия", "ur": "منگولیا"},
}

# The cities offered where a line serves a whole country: Latin name (English) -> its other names.
CITIES: dict[str, dict[str, dict[str, str]]] = {
    "CN": {
        "Shanghai": {"zh": "上海", "ru": "Шанхай", "ur": "شنگھائی"},
        "Beijing": {"zh": "北京", "ru": "Пекин", "ur": "بیجنگ"},
        "Guangzhou": {"zh": "广州", "ru": "Гуанчжоу", "ur": "گوانگژو"},
        "Shenzhen": {"zh": "深圳", "ru": "Шэньчжэнь", "ur": "شینزین"},
        "Chengdu": {"zh": "成都", "ru": "Чэнду", "ur": "چینگدو"},
        "Urumqi": {"zh": "乌鲁木齐", "ru": "Урумчи", "ur": "ارومچی"},
        "Kashgar": {"zh": "喀什", "ru": "Кашгар", "ur": "کاشغر"},
    },
    "RU": {
        "Moscow": {"zh": "莫斯科", "ru": "Москва", "ur": "ماسکو"},
        "Saint Petersburg": {"zh": "圣彼得堡", "ru": "Санкт-Петербург", "ur": "سینٹ پیٹرزبرگ"},
        "Novosibirsk": {"zh": "新西伯利亚", "ru": "Новосибирск", "ur": "نووسیبرسک"},
        "Yekaterinburg": {"zh": "叶卡捷琳堡", "ru": "Екатеринбург", "ur": "یکاترینبرگ"},
        "Kazan": {"zh": "喀山", "ru": "Казань", "ur": "قازان"},
        "Chelyabinsk": {"zh": "车里雅宾斯克", "ru": "Челябинск", "ur": "چیلیابنسک"},
        "Omsk": {"zh": "鄂木斯克", "ru": "Омск", "ur": "اومسک"},
    },
    "KZ": {
        "Almaty": {"zh": "阿拉木图", "ru": "Алматы", "ur": "الماتی"},
        "Astana": {"zh": "阿斯塔纳", "ru": "Астана", "ur": "آستانہ"},
        "Shymkent": {"zh": "奇姆肯特", "ru": "Шымкент", "ur": "شمکنت"},
        "Karaganda": {"zh": "卡拉干达", "ru": "Караганда", "ur": "قراغندی"},
    },
    "KG": {
        "Bishkek": {"zh": "比什凯克", "ru": "Бишкек", "ur": "بشکیک"},
        "Osh": {"zh": "奥什", "ru": "Ош", "ur": "اوش"},
    },
    "UZ": {
        "Tashkent": {"zh": "塔什干", "ru": "Ташкент", "ur": "تاشقند"},
        "Samarkand": {"zh": "撒马尔罕", "ru": "Самарканд", "ur": "سمرقند"},
        "Bukhara": {"zh": "布哈拉", "ru": "Бухара", "ur": "بخارا"},
        "Fergana": {"zh": "费尔干纳", "ru": "Фергана", "ur": "فرغانہ"},
        "Namangan": {"zh": "纳曼干", "ru": "Наманган", "ur": "نمنگان"},
        "Andijan": {"zh": "安集延", "ru": "Андижан", "ur": "اندیجان"},
    },
    "TJ": {
        "Dushanbe": {"zh": "杜尚别", "ru": "Душанбе", "ur": "دوشنبے"},
        "Khujand": {"zh": "苦盏", "ru": "Худжанд", "ur": "خجند"},
    },
    "PK": {
        "Islamabad": {"zh": "伊斯兰堡", "ru": "Исламабад", "ur": "اسلام آباد"},
        "Lahore": {"zh": "拉合尔", "ru": "Лахор", "ur": "لاہور"},
        "Karachi": {"zh": "卡拉奇", "ru": "Карачи", "ur": "کراچی"},
        "Rawalpindi": {"zh": "拉瓦尔品第", "ru": "Равалпинди", "ur": "راولپنڈی"},
        "Peshawar": {"zh": "白沙瓦", "ru": "Пешавар", "ur": "پشاور"},
    },
    "AF": {
        "Kabul": {"zh": "喀布尔", "ru": "Кабул", "ur": "کابل"},
    },
}
DEFAULT_DESTINATIONS = {"zh": ("CN", "Shanghai"), "ru": ("RU", "Moscow"), "ur": ("PK", "Islamabad"),
                        "en": ("KG", "Bishkek")}
# The country a language (an Accept-Language primary tag) points to. English points nowhere:
# its readers are asked where to deliver.
LANGUAGE_COUNTRIES = {"zh": "CN", "ru": "RU", "ur": "PK", "kk": "KZ", "ky": "KG", "uz": "UZ", "tg": "TJ",
                      "ps": "AF"}
MAX_CITY = 80
MAX_PREFERENCES = 12  # Accept-Language entries looked at


def is_country(code: object) -> bool:
    """Whether `code` is an ISO 3166 alpha-2 country code (any case)."""
    return isinstance(code, str) and code.upper() in ISO_COUNTRIES


def city_names(city: str) -> dict[str, str]:
    """A city's names by language (empty when the shop does not know the city)."""
    for cities in CITIES.values():
        if city in cities:
            return cities[city]
    return {}


def native_city_names() -> dict[str, str]:
    """Every native spelling of a known city (case-folded) -> its Latin name."""
    return {native.casefold(): latin for cities in CITIES.values() for latin, names in cities.items()
            for native in names.values()}


@dataclass(frozen=True)
class Place:
    """A destination: a country and a city as routing compares it."""

    country: str  # ISO alpha-2
    city: str  # Latin

    @property
    def value(self) -> str:
        """How a place travels in a form field and the cookie."""
        return f"{self.country}:{self.city}"

    @classmethod
    def parse(cls, text: object) -> Place | None:
        """A place from 'CC:City', or None when it is not one."""
        if not isinstance(text, str) or ":" not in text:
            return None
        country, _sep, city = text.partition(":")
        city = " ".join(city.split())
        if not is_country(country) or not city or len(city) > MAX_CITY:
            return None
        return cls(country.upper(), city)


def default_destination(lang: str) -> Place:
    """Where a buyer reading in `lang` most likely lives, until they choose."""
    country, city = DEFAULT_DESTINATIONS.get(lang, DEFAULT_DESTINATIONS["en"])
    return Place(country, city)


def _country_city(country: str) -> Place:
    """A country's first city the shop offers (its capital or main city)."""
    return Place(country, next(iter(CITIES[country])))


def _tag(tag: object) -> tuple[str, str]:
    """('ru', 'KZ') from 'ru-KZ' or 'ru_kz'; ('', '') for anything that is not a language tag."""
    if not isinstance(tag, str) or len(tag) > 35:
        return "", ""
    parts = tag.replace("_", "-").split("-")
    language = parts[0].lower()
    region = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), "")
    return (language, region) if language.isalpha() else ("", "")


def destination_for(lang: str, preferred: Sequence[str] = ()) -> Place | None:
    """Where a buyer reading `lang`, whose browser prefers the languages `preferred` (best
    first, as Accept-Language lists them), most likely wants delivery; None when nothing says
    (an English reader is asked).

    A Chinese, Russian or Urdu page points to China, Russia or Pakistan, unless the browser
    names a served region for that language ('ru-KZ': Kazakhstan). On an English page the first
    preference that names a served region ('en-PK') or a language tied to one ('ru', 'kk') wins."""
    tags = [_tag(tag) for tag in list(preferred)[:MAX_PREFERENCES]]
    home = LANGUAGE_COUNTRIES.get(lang) if lang != "en" else None
    if home is not None:
        region = next((r for language, r in tags if language == lang and r in CITIES), None)
        return _country_city(region or home) if (region or home) in CITIES else None
    for language, region in tags:
        if region in CITIES:
            return _country_city(region)
        country = LANGUAGE_COUNTRIES.get(language)
        if country in CITIES:
            return _country_city(country)
    return None
