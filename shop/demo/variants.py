"""Demo variants: products offered in several SKUs, and the extra SKUs they need.

Each group names its merchant, its code (the listing CSV's `product` column), its option kinds
and, per SKU, the option values in four languages. EXTRA_PRODUCTS join PRODUCTS' shape."""
# ruff: noqa: E501
from __future__ import annotations

from typing import Any

EXTRA_PRODUCTS: list[dict[str, Any]] = [
    dict(
        sku="CN-0001-HB", slug="lieba-russian-style-bread-hard-bag-500-g",
        merchant="lieba-bakery", category="bread-bakery", origin="CN",
        hs_code="1905.90", tax_class="food", price_cny="24.00", weight_g=600, dims_mm=(235, 125, 105),
        flags=["perishable"], featured=False,
        names={
            "en": "Lieba Russian-Style Bread, Hard Bag, 500 g",
            "zh": "列巴俄式面包（硬袋装）500克",
            "ru": "Хлеб «Лиеба» по-русски, жёсткая упаковка, 500 г",
            "ur": "لیبا روسی طرز کی ڈبل روٹی، سخت پیک، 500 گرام",
        },
        descriptions={
            "en": "The same Russian-style loaf as in the soft bag, baked in the Kashgar Comprehensive Bonded Zone from wheat and rye flour with a slow sourdough starter, packed in a rigid bag that keeps its shape on the long truck journeys to Moscow and Bishkek. Best within 30 days; keep in a cool, dry place.",
            "zh": "与软袋装相同的俄式列巴，在喀什综合保税区内以小麦粉和黑麦粉加老面缓慢发酵烘焙，采用硬袋包装，在前往莫斯科和比什凯克的长途卡车运输中保持形状不被压扁。建议30天内食用完毕，置于阴凉干燥处保存。",
            "ru": "Тот же хлеб по-русски, что и в мягкой упаковке: выпекается в Кашгарской комплексной бондовой зоне из пшеничной и ржаной муки на закваске медленного брожения, но упакован в жёсткий пакет, который держит форму в долгом пути на грузовике до Москвы и Бишкека. Лучше съесть в течение 30 дней; хранить в прохладном сухом месте.",
            "ur": "وہی روسی طرز کی روٹی جو نرم پیک میں آتی ہے، کاشغر کے جامع بانڈڈ زون میں گندم اور رائی کے آٹے اور قدرتی خمیر سے پکائی جاتی ہے، مگر سخت پیک میں بند ہوتی ہے جو ماسکو اور بشکیک کے لمبے ٹرک سفر میں اپنی شکل قائم رکھتا ہے۔ 30 دن کے اندر استعمال کریں اور ٹھنڈی، خشک جگہ پر رکھیں۔",
        },
        lots=[
            dict(lot_number="L2611-0201", quantity=160, expiry_days=30, bin="A-01-05",
                 customs_entry="650820260350231436", status="bonded"),
        ],
    ),
    dict(
        sku="KG-0004-1K", slug="kyrgyz-white-sainfoin-honey-1-kg",
        merchant="tianshan-tea-honey", category="honey-preserves", origin="KG",
        hs_code="0409.00", tax_class="food", price_cny="118.00", weight_g=1060, dims_mm=(130, 130, 110),
        flags=[], featured=False,
        names={
            "en": "Kyrgyz White Sainfoin Honey, 1 kg",
            "zh": "吉尔吉斯红豆草白蜜 1公斤",
            "ru": "Мёд белый эспарцетовый, Кыргызстан, 1 кг",
            "ur": "کرغیز سفید شہد، سینفوئن کے پھولوں کا، 1 کلو",
        },
        descriptions={
            "en": "The same creamed sainfoin honey from the Issyk-Kul region in a family-size 1 kg tub: white, soft as butter, delicate and floral, and it does not set into hard lumps.",
            "zh": "同款伊塞克湖地区红豆草奶油白蜜，1公斤家庭装：色白如雪，质地细腻如黄油，花香清雅，不会结成硬块。",
            "ru": "Тот же кремовый эспарцетовый мёд с Иссык-Куля в семейной банке на 1 кг: белый, мягкий, как масло, нежный и цветочный, не засахаривается комками.",
            "ur": "ایسک کول کے علاقے کا وہی کریمی سینفوئن شہد، 1 کلو کے خاندانی ڈبے میں: سفید، مکھن کی طرح نرم، ہلکی پھولوں کی خوشبو والا، اور سخت ڈلیوں میں نہیں جمتا۔",
        },
        lots=[
            dict(lot_number="L2610-0202", quantity=90, expiry_days=520, bin="A-07-03",
                 customs_entry="650820261577103871", status="bonded"),
        ],
    ),
]

GROUPS: list[dict[str, Any]] = [
    dict(merchant="lieba-bakery", code="lieba-russian-bread", kinds=["packaging"], members={
        "CN-0001": [{"en": "Soft bag", "zh": "软袋", "ru": "Мягкая упаковка", "ur": "نرم پیک"}],
        "CN-0001-HB": [{"en": "Hard bag", "zh": "硬袋", "ru": "Жёсткая упаковка", "ur": "سخت پیک"}],
    }),
    dict(merchant="tianshan-tea-honey", code="sainfoin-honey", kinds=["weight"], members={
        "KG-0004": [{"en": "500 g", "zh": "500克", "ru": "500 г", "ur": "500 گرام"}],
        "KG-0004-1K": [{"en": "1 kg", "zh": "1公斤", "ru": "1 кг", "ur": "1 کلو"}],
    }),
    dict(merchant="silk-road-ecommerce", code="caravan-power-bank", kinds=["capacity"], members={
        "CN-0006": [{"en": "10,000 mAh", "zh": "10000毫安时", "ru": "10 000 мА·ч", "ur": "10,000 ملی ایمپیئر گھنٹے"}],
        "CN-0007": [{"en": "20,000 mAh", "zh": "20000毫安时", "ru": "20 000 мА·ч", "ur": "20,000 ملی ایمپیئر گھنٹے"}],
    }),
]
