"""Demo merchants: enterprises registered in the Kashgar Comprehensive Bonded Zone.

`name` is the legal name in English; `names` gives it in each shop language.
"""
# ruff: noqa: E501
from __future__ import annotations

from typing import Any

MERCHANTS: list[dict[str, Any]] = [
    dict(
        slug="lieba-bakery",
        name="Kashgar Lieba Food Technology Co., Ltd.",
        names={
            "en": "Kashgar Lieba Food Technology Co., Ltd.",
            "zh": "喀什列巴食品科技有限公司",
            "ru": "Кашгарская компания пищевых технологий «Лиеба»",
            "ur": "کاشغر لیبا فوڈ ٹیکنالوجی کمپنی لمیٹڈ",
        },
        city="Kashgar",
        email="ops@lieba-bakery.example",
    ),
    dict(
        slug="steppe-dairy",
        name="Kashgar Steppe Dairy & Confectionery Import Co., Ltd.",
        names={
            "en": "Kashgar Steppe Dairy & Confectionery Import Co., Ltd.",
            "zh": "喀什草原乳品糖果进口有限公司",
            "ru": "Кашгарская компания по импорту молочной продукции и кондитерских изделий «Степь»",
            "ur": "کاشغر اسٹیپ ڈیری اینڈ کنفیکشنری امپورٹ کمپنی لمیٹڈ",
        },
        city="Kashgar",
        email="ops@steppe-dairy.example",
    ),
    dict(
        slug="fergana-dried-fruit",
        name="Kashgar Fergana Dried Fruit & Nuts Trading Co., Ltd.",
        names={
            "en": "Kashgar Fergana Dried Fruit & Nuts Trading Co., Ltd.",
            "zh": "喀什费尔干纳干果坚果贸易有限公司",
            "ru": "Кашгарская торговая компания сухофруктов и орехов «Фергана»",
            "ur": "کاشغر فرغانہ ڈرائی فروٹ اینڈ نٹس ٹریڈنگ کمپنی لمیٹڈ",
        },
        city="Kashgar",
        email="ops@fergana-dried-fruit.example",
    ),
    dict(
        slug="indus-trading",
        name="Kashgar Indus Trading Co., Ltd.",
        names={
            "en": "Kashgar Indus Trading Co., Ltd.",
            "zh": "喀什印度河商贸有限公司",
            "ru": "Кашгарская торговая компания «Инд»",
            "ur": "کاشغر انڈس ٹریڈنگ کمپنی لمیٹڈ",
        },
        city="Kashgar",
        email="ops@indus-trading.example",
    ),
    dict(
        slug="polar-star-cosmetics",
        name="Kashgar Polar Star Cosmetics & Household Goods Import Co., Ltd.",
        names={
            "en": "Kashgar Polar Star Cosmetics & Household Goods Import Co., Ltd.",
            "zh": "喀什北极星化妆品日化进口有限公司",
            "ru": "Кашгарская компания по импорту косметики и бытовой химии «Полярная звезда»",
            "ur": "کاشغر پولر اسٹار کاسمیٹکس اینڈ ہاؤس ہولڈ گُڈز امپورٹ کمپنی لمیٹڈ",
        },
        city="Kashgar",
        email="ops@polar-star-cosmetics.example",
    ),
    dict(
        slug="pamir-crafts",
        name="Kashgar Pamir Crafts & Daily Necessities Co., Ltd.",
        names={
            "en": "Kashgar Pamir Crafts & Daily Necessities Co., Ltd.",
            "zh": "喀什帕米尔手工艺品日用品有限公司",
            "ru": "Кашгарская компания ремёсел и товаров повседневного спроса «Памир»",
            "ur": "کاشغر پامیر کرافٹس اینڈ ڈیلی نیسیسٹیز کمپنی لمیٹڈ",
        },
        city="Kashgar",
        email="ops@pamir-crafts.example",
    ),
    dict(
        slug="silk-road-ecommerce",
        name="Kashgar Silk Road Cross-Border E-Commerce Co., Ltd.",
        names={
            "en": "Kashgar Silk Road Cross-Border E-Commerce Co., Ltd.",
            "zh": "喀什丝路跨境电子商务有限公司",
            "ru": "Кашгарская компания трансграничной электронной торговли «Шёлковый путь»",
            "ur": "کاشغر سلک روڈ کراس بارڈر ای کامرس کمپنی لمیٹڈ",
        },
        city="Kashgar",
        email="ops@silk-road-ecommerce.example",
    ),
    dict(
        slug="tianshan-tea-honey",
        name="Kashgar Tianshan Tea & Honey Trading Co., Ltd.",
        names={
            "en": "Kashgar Tianshan Tea & Honey Trading Co., Ltd.",
            "zh": "喀什天山茶蜜贸易有限公司",
            "ru": "Кашгарская торговая компания чая и мёда «Тянь-Шань»",
            "ur": "کاشغر تیان شان ٹی اینڈ ہنی ٹریڈنگ کمپنی لمیٹڈ",
        },
        city="Kashgar",
        email="ops@tianshan-tea-honey.example",
    ),
]
