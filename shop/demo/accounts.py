"""Demo accounts: an admin, fulfilment staff, buyers in each shop language, one login per merchant.

The passwords are for the demo only; `make run` prints them.
`lang` is the account's preferred shop language (en, zh, ru, ur).
"""
from __future__ import annotations

from typing import Any

ACCOUNTS: list[dict[str, Any]] = [
    dict(email="admin@shop.example", role="admin", password="demo-admin-2026", merchant=None,
         name="Gulnar Abdukerim", lang="en"),
    dict(email="staff@shop.example", role="staff", password="demo-staff-2026", merchant=None,
         name="Memet Tursun", lang="zh"),
    dict(email="buyer@shop.example", role="buyer", password="demo-buyer-2026", merchant=None,
         name="Emily Carter", lang="en"),
    dict(email="buyer-zh@shop.example", role="buyer", password="demo-buyer-2026", merchant=None,
         name="李晓梅", lang="zh"),
    dict(email="buyer-ru@shop.example", role="buyer", password="demo-buyer-2026", merchant=None,
         name="Анна Смирнова", lang="ru"),
    dict(email="buyer-ur@shop.example", role="buyer", password="demo-buyer-2026", merchant=None,
         name="عائشہ خان", lang="ur"),
    dict(email="lieba@shop.example", role="merchant", password="demo-merchant-2026", merchant="lieba-bakery",
         name="Wang Lei", lang="zh"),
    dict(email="steppe@shop.example", role="merchant", password="demo-merchant-2026", merchant="steppe-dairy",
         name="Айгерим Нурланова", lang="ru"),
    dict(email="fergana@shop.example", role="merchant", password="demo-merchant-2026", merchant="fergana-dried-fruit",
         name="Бахадыр Юсупов", lang="ru"),
    dict(email="indus@shop.example", role="merchant", password="demo-merchant-2026", merchant="indus-trading",
         name="عمران قریشی", lang="ur"),
    dict(email="polarstar@shop.example", role="merchant", password="demo-merchant-2026",
         merchant="polar-star-cosmetics",
         name="Ольга Васильева", lang="ru"),
    dict(email="pamir@shop.example", role="merchant", password="demo-merchant-2026", merchant="pamir-crafts",
         name="Farrukh Nazarov", lang="en"),
    dict(email="silkroad@shop.example", role="merchant", password="demo-merchant-2026", merchant="silk-road-ecommerce",
         name="马丽娜", lang="zh"),
    dict(email="tianshan@shop.example", role="merchant", password="demo-merchant-2026", merchant="tianshan-tea-honey",
         name="Nurbek Asanov", lang="en"),
]
