"""Demo buyers for the demo orders: who orders from where, in which language and currency.

Plain data for shop/services/demo_orders.py. Names and addresses are in the buyer's own script (the shop
keeps them as typed); cities are the routing's Latin names. A China import buyer carries a real-name
identity (a made-up PRC ID number with a valid check digit). `account` names a demo account's e-mail;
None is a guest.
"""
from __future__ import annotations

from typing import Any

BUYERS: list[dict[str, Any]] = [
    dict(account="buyer-ru@shop.example", lang="ru", currency="RUB", country="RU", city="Moscow",
         name="Анна Смирнова", phone="+7 912 345-67-89", address="ул. Тверская, д. 7, кв. 12", postcode="125009"),
    dict(account=None, email="d.volkov@example.ru", lang="ru", currency="RUB", country="RU", city="Kazan",
         name="Дмитрий Волков", phone="+7 917 220-14-03", address="ул. Баумана, д. 41, кв. 3", postcode="420111"),
    dict(account=None, email="olga.petrova@example.ru", lang="ru", currency="RUB", country="RU",
         city="Saint Petersburg", name="Ольга Петрова", phone="+7 921 555-20-11",
         address="Невский пр., д. 88, кв. 40", postcode="191025"),
    dict(account=None, email="aibek@example.kg", lang="ru", currency="KGS", country="KG", city="Bishkek",
         name="Айбек Жумабеков", phone="+996 555 123 456", address="пр. Чуй, 150, кв. 8", postcode="720001"),
    dict(account=None, email="gulnara@example.kz", lang="ru", currency="KZT", country="KZ", city="Almaty",
         name="Гульнара Сарсенова", phone="+7 701 333 44 55", address="ул. Абая, 52, кв. 17", postcode="050000"),
    dict(account=None, email="jasur@example.uz", lang="ru", currency="UZS", country="UZ", city="Tashkent",
         name="Жасур Алимов", phone="+998 90 123 45 67", address="ул. Амира Темура, 15, кв. 2", postcode="100000"),
    dict(account="buyer-ur@shop.example", lang="ur", currency="PKR", country="PK", city="Lahore",
         name="عائشہ خان", phone="+92 300 1234567", address="مکان 12، گلی 4، گلبرگ", postcode="54000"),
    dict(account=None, email="bilal.ahmed@example.pk", lang="ur", currency="PKR", country="PK", city="Islamabad",
         name="بلال احمد", phone="+92 321 7654321", address="مکان 7، سٹریٹ 22، ایف سیون", postcode="44000"),
    dict(account="buyer@shop.example", lang="en", currency="USD", country="KG", city="Osh",
         name="Emily Carter", phone="+996 700 987 654", address="Kurmanjan Datka St 210, apt 5", postcode="723500"),
    dict(account="buyer-zh@shop.example", lang="zh", currency="CNY", country="CN", city="Shanghai",
         name="李晓梅", phone="+86 138 0013 8000", address="浦东新区世纪大道100号", postcode="200120",
         id_name="李晓梅", id_number="31011519900718242X"),
    dict(account=None, email="zhang.wei@example.cn", lang="zh", currency="CNY", country="CN", city="Beijing",
         name="张伟", phone="+86 139 1100 2233", address="朝阳区建国路88号3单元502", postcode="100022",
         id_name="张伟", id_number="110105198503121234"),
    dict(account=None, email="chen.jing@example.cn", lang="zh", currency="CNY", country="CN", city="Shenzhen",
         name="陈静", phone="+86 135 2800 4455", address="南山区科技园南路18号", postcode="518057",
         id_name="陈静", id_number="440305198805213617"),
]
