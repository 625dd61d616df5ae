"""Demo logistics: express lines, destinations, country names, exchange rates and duty rules.

All of it is data an admin edits later. Money is a CNY decimal string; weights are grams,
sizes millimetres. Weekdays follow Python (0 = Monday); cut-off times are Asia/Shanghai.
A line's `serves` maps a country code to its city names (Latin, as in DESTINATIONS); an
empty list means every city in that country. A yearly closure gives "MM-DD" dates, both ends
inclusive, and may wrap over the new year (12-01 .. 03-31).
"""
# ruff: noqa: E501
from __future__ import annotations

from typing import Any

LINES: list[dict[str, Any]] = [
    dict(
        code="KHG-MOW-TRUCK",
        mode="truck",
        names={
            "en": "Kashgar–Moscow Express Truck (“Two-Week Delivery”)",
            "zh": "喀什—莫斯科卡车专线（“两周达”）",
            "ru": "Грузовик Кашгар — Москва («доставка за две недели»)",
            "ur": "کاشغر–ماسکو ایکسپریس ٹرک ('دو ہفتوں میں ترسیل')",
        },
        descriptions={
            "en": "Full-truck line from the bonded zone to Moscow through Kazakhstan, with onward delivery to Saint Petersburg, Kazan, Yekaterinburg and Novosibirsk. It carries what cannot fly: perfume, aerosols, liquids and batteries. Departs on Tuesdays and Fridays.",
            "zh": "从保税区出发、经哈萨克斯坦直达莫斯科的整车专线，并可转运至圣彼得堡、喀山、叶卡捷琳堡和新西伯利亚。承运不能空运的商品：香水、气雾剂、液体和电池。每周二、周五发车。",
            "ru": "Прямой грузовой рейс из бондовой зоны в Москву через Казахстан с доставкой дальше — в Санкт-Петербург, Казань, Екатеринбург и Новосибирск. Везёт то, что нельзя отправить самолётом: парфюмерию, аэрозоли, жидкости и аккумуляторы. Отправления по вторникам и пятницам.",
            "ur": "بانڈڈ زون سے قازقستان کے راستے ماسکو تک پورے ٹرک کی لائن، جہاں سے سینٹ پیٹرزبرگ، قازان، یکاترینبرگ اور نووسیبرسک تک آگے ترسیل ہوتی ہے۔ یہ وہ سامان لے جاتی ہے جو ہوائی جہاز سے نہیں جا سکتا: پرفیوم، ایروسول، مائعات اور بیٹریاں۔ ہر منگل اور جمعہ کو روانگی۔",
        },
        serves={"RU": ["Moscow", "Saint Petersburg", "Kazan", "Yekaterinburg", "Novosibirsk"]},
        weekdays=[1, 4],
        cutoff="18:00",
        transit_days_min=14,
        transit_days_max=16,
        refused_flags=[],
        max_parcel_weight_g=30000,
        max_parcel_side_mm=1200,
        capacity_kg="18000",
        capacity_m3="82",
        first_weight_g=1000,
        first_price="19.00",
        step_g=1000,
        step_price="12.00",
        volumetric_divisor=5000,
        closures=[],
        closes_on_cn_holidays=False,
    ),
    dict(
        code="KHG-FRU-TRUCK",
        mode="truck",
        names={
            "en": "Kashgar–Bishkek Express Truck (“One-Week Delivery”)",
            "zh": "喀什—比什凯克卡车专线（“一周达”）",
            "ru": "Грузовик Кашгар — Бишкек («доставка за неделю»)",
            "ur": "کاشغر–بشکیک ایکسپریس ٹرک ('ایک ہفتے میں ترسیل')",
        },
        descriptions={
            "en": "Full-truck line over the Irkeshtam and Torugart passes to Bishkek and Osh, continuing to Almaty, for goods that cannot fly but must arrive fast. The border crossings close on Chinese public holidays, so there are no departures on those days.",
            "zh": "经伊尔克什坦和吐尔尕特口岸前往比什凯克和奥什、并延伸至阿拉木图的整车专线，适合不能空运但又要求时效的商品。口岸在中国法定节假日闭关，届时不发车。",
            "ru": "Грузовой рейс через перевалы Иркештам и Торугарт в Бишкек и Ош с продолжением до Алматы — для грузов, которые нельзя отправить самолётом, но нужно доставить быстро. В государственные праздники Китая погранпереходы закрыты, и отправлений нет.",
            "ur": "ارکشتام اور تورگرت کے دروں کے راستے بشکیک اور اوش، اور آگے الماتی تک پورے ٹرک کی لائن، ان اشیا کے لیے جو ہوائی جہاز سے نہیں جا سکتیں مگر جلد پہنچنی ہیں۔ سرحدی گزرگاہیں چین کی سرکاری تعطیلات پر بند رہتی ہیں، اس لیے ان دنوں روانگی نہیں ہوتی۔",
        },
        serves={"KG": ["Bishkek", "Osh"], "KZ": ["Almaty"]},
        weekdays=[0, 2, 5],
        cutoff="17:00",
        transit_days_min=7,
        transit_days_max=8,
        refused_flags=[],
        max_parcel_weight_g=30000,
        max_parcel_side_mm=1200,
        capacity_kg="12000",
        capacity_m3="60",
        first_weight_g=1000,
        first_price="16.00",
        step_g=1000,
        step_price="8.00",
        volumetric_divisor=5000,
        closures=[],
        closes_on_cn_holidays=True,
    ),
    dict(
        code="KHG-PK-TRUCK",
        mode="truck",
        names={
            "en": "Kashgar–Pakistan Express Truck via Khunjerab (“One-Week Delivery”)",
            "zh": "喀什—巴基斯坦卡车专线（经红其拉甫，“一周达”）",
            "ru": "Грузовик Кашгар — Пакистан через Хунджераб («доставка за неделю»)",
            "ur": "کاشغر–پاکستان ایکسپریس ٹرک بذریعہ خنجراب ('ایک ہفتے میں ترسیل')",
        },
        descriptions={
            "en": "Full-truck line along the Karakoram Highway over the Khunjerab Pass to Islamabad and Rawalpindi, then on to Lahore, Peshawar and Karachi. The pass is snowbound and closed from 1 December to 31 March; in those months choose air or wait for spring.",
            "zh": "沿喀喇昆仑公路翻越红其拉甫山口，直达伊斯兰堡和拉瓦尔品第，再转运至拉合尔、白沙瓦和卡拉奇的整车专线。山口每年12月1日至3月31日因大雪封闭，这段时间请选择空运或等待开春。",
            "ru": "Грузовой рейс по Каракорумскому шоссе через перевал Хунджераб в Исламабад и Равалпинди, далее в Лахор, Пешавар и Карачи. С 1 декабря по 31 марта перевал закрыт из-за снега: в эти месяцы выбирайте авиадоставку или дождитесь весны.",
            "ur": "قراقرم ہائی وے کے راستے درۂ خنجراب سے اسلام آباد اور راولپنڈی تک پورے ٹرک کی لائن، جہاں سے آگے لاہور، پشاور اور کراچی تک ترسیل ہوتی ہے۔ درہ یکم دسمبر سے 31 مارچ تک برف کی وجہ سے بند رہتا ہے؛ ان مہینوں میں ہوائی ترسیل منتخب کریں یا بہار کا انتظار کریں۔",
        },
        serves={"PK": ["Islamabad", "Rawalpindi", "Lahore", "Peshawar", "Karachi"]},
        weekdays=[0, 3],
        cutoff="16:00",
        transit_days_min=7,
        transit_days_max=9,
        refused_flags=[],
        max_parcel_weight_g=25000,
        max_parcel_side_mm=1000,
        capacity_kg="10000",
        capacity_m3="45",
        first_weight_g=1000,
        first_price="18.00",
        step_g=1000,
        step_price="9.00",
        volumetric_divisor=5000,
        closures=[
            dict(
                start="12-01",
                end="03-31",
                yearly=True,
                kind="season",
                note={
                    "en": "Khunjerab Pass closed for the winter",
                    "zh": "红其拉甫山口冬季封闭",
                    "ru": "Перевал Хунджераб закрыт на зиму",
                    "ur": "درۂ خنجراب سردیوں میں بند ہے",
                },
            ),
        ],
        closes_on_cn_holidays=False,
    ),
    dict(
        code="KHG-AIR",
        mode="air",
        names={
            "en": "Kashgar Air Express (1.5-Hour Circle)",
            "zh": "喀什航空快线（1.5小时航空经济圈）",
            "ru": "Авиаэкспресс из Кашгара (полуторачасовой круг)",
            "ur": "کاشغر ایئر ایکسپریس (ڈیڑھ گھنٹے کی پرواز کا دائرہ)",
        },
        descriptions={
            "en": "Air cargo from Kashgar airport to cities within a 1.5-hour flight: Islamabad, Lahore, Kabul, Dushanbe, Tashkent, Samarkand, Bishkek and Almaty. The fastest option, but it takes no liquids, aerosols, perfume or lithium batteries. Charged per 0.5 kg on the greater of actual and volumetric weight.",
            "zh": "从喀什机场空运至1.5小时航程内的城市：伊斯兰堡、拉合尔、喀布尔、杜尚别、塔什干、撒马尔罕、比什凯克和阿拉木图。时效最快，但不收液体、气雾剂、香水和锂电池。按实重与体积重取大者，每0.5公斤计费。",
            "ru": "Авиадоставка из аэропорта Кашгара в города в пределах полутора часов полёта: Исламабад, Лахор, Кабул, Душанбе, Ташкент, Самарканд, Бишкек и Алматы. Самый быстрый вариант, но без жидкостей, аэрозолей, парфюмерии и литиевых аккумуляторов. Тариф за каждые 0,5 кг по большему из фактического и объёмного веса.",
            "ur": "کاشغر ایئرپورٹ سے ڈیڑھ گھنٹے کی پرواز کے اندر شہروں تک ہوائی کارگو: اسلام آباد، لاہور، کابل، دوشنبے، تاشقند، سمرقند، بشکیک اور الماتی۔ سب سے تیز طریقہ، مگر مائعات، ایروسول، پرفیوم اور لیتھیم بیٹریاں قبول نہیں کی جاتیں۔ اصل اور حجمی وزن میں سے جو زیادہ ہو، اس پر ہر آدھے کلو کا کرایہ۔",
        },
        serves={
            "PK": ["Islamabad", "Lahore"],
            "AF": ["Kabul"],
            "TJ": ["Dushanbe"],
            "UZ": ["Tashkent", "Samarkand"],
            "KG": ["Bishkek"],
            "KZ": ["Almaty"],
        },
        weekdays=[0, 2, 4, 6],
        cutoff="12:00",
        transit_days_min=2,
        transit_days_max=4,
        refused_flags=["liquid", "aerosol", "perfume", "battery"],
        max_parcel_weight_g=30000,
        max_parcel_side_mm=1000,
        capacity_kg="2500",
        capacity_m3="15",
        first_weight_g=500,
        first_price="45.00",
        step_g=500,
        step_price="18.00",
        volumetric_divisor=6000,
        closures=[],
        closes_on_cn_holidays=False,
    ),
    dict(
        code="KHG-RAIL",
        mode="rail",
        names={
            "en": "Kashgar Rail Freight (Central Asia & Russia)",
            "zh": "喀什铁路货运（中亚及俄罗斯）",
            "ru": "Железнодорожная доставка из Кашгара (Центральная Азия и Россия)",
            "ur": "کاشغر ریل کارگو (وسطی ایشیا اور روس)",
        },
        descriptions={
            "en": "Consolidated container trains from the Kashgar rail port to any city in Uzbekistan, Kazakhstan and Russia. The lowest rate per kilogram, but slow, and it takes no perishable food. Departs on Wednesdays and Saturdays.",
            "zh": "从喀什铁路口岸发出的拼箱集装箱班列，可送达乌兹别克斯坦、哈萨克斯坦和俄罗斯任意城市。每公斤运费最低，但时效较慢，不收易腐食品。每周三、周六发车。",
            "ru": "Сборные контейнерные поезда от железнодорожного пункта пропуска Кашгар в любой город Узбекистана, Казахстана и России. Самый низкий тариф за килограмм, но медленно, и скоропортящиеся продукты не принимаются. Отправления по средам и субботам.",
            "ur": "کاشغر ریلوے پورٹ سے مشترکہ کنٹینر ٹرینیں، ازبکستان، قازقستان اور روس کے کسی بھی شہر تک۔ فی کلو سب سے سستا کرایہ، مگر رفتار سست ہے اور جلد خراب ہونے والی خوراک نہیں لی جاتی۔ ہر بدھ اور ہفتے کو روانگی۔",
        },
        serves={"UZ": [], "KZ": [], "RU": []},
        weekdays=[2, 5],
        cutoff="12:00",
        transit_days_min=12,
        transit_days_max=18,
        refused_flags=["perishable"],
        max_parcel_weight_g=50000,
        max_parcel_side_mm=1500,
        capacity_kg="40000",
        capacity_m3="134",
        first_weight_g=1000,
        first_price="20.00",
        step_g=1000,
        step_price="6.00",
        volumetric_divisor=5000,
        closures=[],
        closes_on_cn_holidays=False,
    ),
    dict(
        code="CN-BONDED",
        mode="express",
        names={
            "en": "Bonded Import Express (Mainland China)",
            "zh": "保税进口快递（中国大陆）",
            "ru": "Экспресс-доставка по Китаю с оформлением импорта",
            "ur": "بانڈڈ امپورٹ ایکسپریس (چین کے اندر)",
        },
        descriptions={
            "en": "For buyers in mainland China: goods are cleared in the bonded zone as cross-border e-commerce imports (customs mode 1210), then sent by domestic express to any city. Cross-border import tax is added at checkout; departures every day.",
            "zh": "面向中国大陆买家：商品在保税区内以跨境电商网购保税进口（1210模式）方式清关，再由国内快递寄往全国任意城市。结算时加收跨境电商综合税；每天发运。",
            "ru": "Для покупателей в материковом Китае: товар проходит таможенное оформление как трансграничный импорт (режим 1210) прямо в бондовой зоне и отправляется курьерской службой в любой город страны. Налог на трансграничный импорт добавляется при оформлении заказа; отправки ежедневно.",
            "ur": "چین کے اندر خریداروں کے لیے: سامان بانڈڈ زون ہی میں سرحد پار ای کامرس درآمد (کسٹمز موڈ 1210) کے طور پر کلیئر ہوتا ہے، پھر ملکی کورئیر کے ذریعے کسی بھی شہر بھیجا جاتا ہے۔ سرحد پار درآمدی ٹیکس چیک آؤٹ پر شامل کیا جاتا ہے؛ روزانہ روانگی۔",
        },
        serves={"CN": []},
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        cutoff="16:00",
        transit_days_min=3,
        transit_days_max=6,
        refused_flags=[],
        max_parcel_weight_g=30000,
        max_parcel_side_mm=1000,
        capacity_kg="5000",
        capacity_m3="40",
        first_weight_g=1000,
        first_price="12.00",
        step_g=1000,
        step_price="4.00",
        volumetric_divisor=5000,
        closures=[],
        closes_on_cn_holidays=False,
    ),
]


def _city(country, en, zh, ru, ur):
    return dict(country=country, city=en, names={"en": en, "zh": zh, "ru": ru, "ur": ur})


DESTINATIONS: list[dict[str, Any]] = [
    # Russia: the Moscow truck's cities, plus two more the rail line reaches
    _city("RU", "Moscow", "莫斯科", "Москва", "ماسکو"),
    _city("RU", "Saint Petersburg", "圣彼得堡", "Санкт-Петербург", "سینٹ پیٹرزبرگ"),
    _city("RU", "Kazan", "喀山", "Казань", "قازان"),
    _city("RU", "Yekaterinburg", "叶卡捷琳堡", "Екатеринбург", "یکاترینبرگ"),
    _city("RU", "Novosibirsk", "新西伯利亚", "Новосибирск", "نووسیبرسک"),
    _city("RU", "Chelyabinsk", "车里雅宾斯克", "Челябинск", "چیلیابنسک"),
    _city("RU", "Omsk", "鄂木斯克", "Омск", "اومسک"),
    # Kyrgyzstan
    _city("KG", "Bishkek", "比什凯克", "Бишкек", "بشکیک"),
    _city("KG", "Osh", "奥什", "Ош", "اوش"),
    # Kazakhstan
    _city("KZ", "Almaty", "阿拉木图", "Алматы", "الماتی"),
    _city("KZ", "Astana", "阿斯塔纳", "Астана", "آستانہ"),
    _city("KZ", "Shymkent", "奇姆肯特", "Шымкент", "شمکنت"),
    _city("KZ", "Karaganda", "卡拉干达", "Караганда", "قراغندی"),
    # Uzbekistan
    _city("UZ", "Tashkent", "塔什干", "Ташкент", "تاشقند"),
    _city("UZ", "Samarkand", "撒马尔罕", "Самарканд", "سمرقند"),
    _city("UZ", "Bukhara", "布哈拉", "Бухара", "بخارا"),
    _city("UZ", "Fergana", "费尔干纳", "Фергана", "فرغانہ"),
    _city("UZ", "Namangan", "纳曼干", "Наманган", "نمنگان"),
    _city("UZ", "Andijan", "安集延", "Андижан", "اندیجان"),
    # Tajikistan and Afghanistan (air only)
    _city("TJ", "Dushanbe", "杜尚别", "Душанбе", "دوشنبے"),
    _city("AF", "Kabul", "喀布尔", "Кабул", "کابل"),
    # Pakistan
    _city("PK", "Islamabad", "伊斯兰堡", "Исламабад", "اسلام آباد"),
    _city("PK", "Rawalpindi", "拉瓦尔品第", "Равалпинди", "راولپنڈی"),
    _city("PK", "Lahore", "拉合尔", "Лахор", "لاہور"),
    _city("PK", "Peshawar", "白沙瓦", "Пешавар", "پشاور"),
    _city("PK", "Karachi", "卡拉奇", "Карачи", "کراچی"),
    # Mainland China (bonded import)
    _city("CN", "Kashgar", "喀什", "Кашгар", "کاشغر"),
    _city("CN", "Urumqi", "乌鲁木齐", "Урумчи", "ارومچی"),
    _city("CN", "Beijing", "北京", "Пекин", "بیجنگ"),
    _city("CN", "Shanghai", "上海", "Шанхай", "شنگھائی"),
    _city("CN", "Guangzhou", "广州", "Гуанчжоу", "گوانگژو"),
    _city("CN", "Shenzhen", "深圳", "Шэньчжэнь", "شینزین"),
    _city("CN", "Chengdu", "成都", "Чэнду", "چینگدو"),
]

COUNTRIES = {
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

# Units of each currency per 1 CNY (demo rates for late 2026; an admin updates them).
EXCHANGE_RATES = {
    "USD": "0.1400",
    "EUR": "0.1200",
    "RUB": "11.6000",
    "PKR": "39.5000",
    "KGS": "12.2500",
    "KZT": "73.5000",
    "UZS": "1720.0000",
    "TJS": "1.3200",
}

# Destination duty-free thresholds for export parcels. `per` is "parcel" or "month" (all of
# one buyer's parcels in a calendar month); `basis` says whether `rate` applies to the value
# above the threshold ("excess") or, once over it, to the whole value ("full").
# `valid_from` (ISO date or None) is when the rule starts to apply.
_EAEU_NOTE = {
    "en": "Eurasian Economic Union allowance for e-commerce parcels: duty-free up to EUR 200 per parcel, 5% of the value above it.",
    "zh": "欧亚经济联盟跨境电商包裹免税额：每件200欧元以内免税，超出部分按5%征税。",
    "ru": "Беспошлинная норма ЕАЭС для посылок интернет-торговли: до 200 евро за посылку без пошлины, сверх нормы — 5% от превышения.",
    "ur": "یوریشین اکنامک یونین میں ای کامرس پارسل کی چھوٹ: فی پارسل 200 یورو تک ڈیوٹی نہیں، اس سے زائد قیمت پر 5 فیصد۔",
}

DUTY_RULES: list[dict[str, Any]] = [
    dict(country="RU", threshold="200", currency="EUR", rate="0.05", per="parcel", basis="excess",
         valid_from="2026-07-01", note=_EAEU_NOTE),
    dict(country="KZ", threshold="200", currency="EUR", rate="0.05", per="parcel", basis="excess",
         valid_from="2026-07-01", note=_EAEU_NOTE),
    dict(country="KG", threshold="200", currency="EUR", rate="0.05", per="parcel", basis="excess",
         valid_from="2026-07-01", note=_EAEU_NOTE),
    dict(country="UZ", threshold="200", currency="USD", rate="0.30", per="month", basis="excess",
         valid_from=None,
         note={
             "en": "Courier goods for a private person are duty-free up to USD 200 a month; above that a single rate of 30% applies to the excess.",
             "zh": "寄给个人的快件每月200美元以内免税；超出部分按30%的统一税率征收。",
             "ru": "Товары для физического лица, доставляемые курьером, не облагаются пошлиной до 200 долларов США в месяц; с превышения взимается единая ставка 30%.",
             "ur": "کسی فرد کے نام کورئیر سے آنے والا سامان ماہانہ 200 امریکی ڈالر تک ڈیوٹی فری ہے؛ اس سے زائد رقم پر 30 فیصد کی یکساں شرح لاگو ہوتی ہے۔",
         }),
    dict(country="TJ", threshold="200", currency="USD", rate="0.20", per="parcel", basis="excess",
         valid_from=None,
         note={
             "en": "Demo figure: duty-free up to USD 200 per parcel, 20% of the excess. Check current Tajik customs rules before relying on it.",
             "zh": "演示数值：每件200美元以内免税，超出部分按20%征收。实际使用前请核对塔吉克斯坦海关现行规定。",
             "ru": "Демонстрационное значение: до 200 долларов США за посылку без пошлины, 20% с превышения. Перед использованием сверьтесь с действующими правилами таможни Таджикистана.",
             "ur": "نمونے کی شرح: فی پارسل 200 امریکی ڈالر تک ڈیوٹی فری، زائد رقم پر 20 فیصد۔ استعمال سے پہلے تاجکستان کسٹمز کے موجودہ قواعد دیکھ لیں۔",
         }),
    dict(country="PK", threshold="1000", currency="PKR", rate="0.35", per="parcel", basis="full",
         valid_from=None,
         note={
             "en": "Parcels worth more than PKR 1,000 pay customs duty and taxes on their whole value; 35% is a demo average of duty, sales tax and withholding tax.",
             "zh": "价值超过1000巴基斯坦卢比的包裹须按全额缴纳关税和税费；35%为关税、销售税和预扣税的演示平均值。",
             "ru": "С посылок дороже 1000 пакистанских рупий пошлина и налоги взимаются со всей стоимости; 35% — демонстрационная средняя ставка пошлины, налога с продаж и удерживаемого налога.",
             "ur": "1,000 روپے سے زیادہ مالیت کے پارسل پر پوری قیمت پر کسٹمز ڈیوٹی اور ٹیکس لگتے ہیں؛ 35 فیصد ڈیوٹی، سیلز ٹیکس اور ودہولڈنگ ٹیکس کی نمونے کی اوسط شرح ہے۔",
         }),
    dict(country="AF", threshold="100", currency="USD", rate="0.10", per="parcel", basis="full",
         valid_from=None,
         note={
             "en": "Demo figure: parcels over USD 100 pay about 10% of their whole value. Check current Afghan customs rules before relying on it.",
             "zh": "演示数值：超过100美元的包裹按全额约10%征税。实际使用前请核对阿富汗海关现行规定。",
             "ru": "Демонстрационное значение: с посылок дороже 100 долларов США взимается около 10% всей стоимости. Перед использованием сверьтесь с действующими правилами таможни Афганистана.",
             "ur": "نمونے کی شرح: 100 امریکی ڈالر سے زیادہ کے پارسل پر پوری قیمت کا تقریباً 10 فیصد۔ استعمال سے پہلے افغانستان کسٹمز کے موجودہ قواعد دیکھ لیں۔",
         }),
]
