"""Fulfilment figures: ordering a big wave's pick lines by the warehouse walk, Code 128 barcodes, and the
seconds WeasyPrint takes for a 100-line pick list in each desk language."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta

from markupsafe import escape

from bench.harness import report
from shop.adapters.documents import PrintedDocuments
from shop.domain.picking import PickLine, group_by_tote, pick_path

NAMES = {"en": ("Lieba bread, soft bag", "en", "ltr", "Noto Sans"),
         "zh": ("列巴（软袋）", "zh-Hans", "ltr", "Noto Sans CJK SC"),
         "ru": ("Хлеб «Лиеба», мягкая упаковка", "ru", "ltr", "Noto Sans"),
         "ur": ("لیبا روٹی، نرم تھیلا", "ur", "rtl", "Noto Nastaliq Urdu")}
DOCUMENTS = PrintedDocuments()  # the documents adapter itself: measured without an app


def _lines(count: int, orders: int) -> list[PickLine]:
    rng = random.Random(7)
    return [PickLine(f"KS261201-{rng.randrange(orders):05d}", f"SKU-{rng.randrange(400):03d}", "Lieba bread",
                     f"LOT-{i:05d}", date(2027, 1, 1) + timedelta(days=rng.randrange(300)),
                     f"{rng.choice('ABC')}-{rng.randrange(1, 12):02d}-{rng.randrange(1, 20):02d}", rng.randrange(1, 5))
            for i in range(count)]


def _pick_list_html(lang: str, lines: list[PickLine]) -> str:
    name, tag, direction, font = NAMES[lang]
    rows = "".join(
        f"<tr><td>{i}</td><td>{escape(line.bin)}{DOCUMENTS.barcode_svg(line.bin, 8)}</td><td>{escape(name)}</td>"
        f"<td>{escape(line.lot_number)}</td><td>{line.expiry}</td><td>{line.quantity}</td>"
        f"<td>{escape(line.order_number)}</td></tr>" for i, line in enumerate(lines, 1))
    return (f'<html lang="{tag}" dir="{direction}"><head><style>html{{font-family:"{font}","Noto Sans";'
            f"font-size:10pt}} .barcode{{inline-size:36mm;block-size:8mm;display:block}}</style></head>"
            f"<body><h1>{escape(name)}</h1><table>{rows}</table></body></html>")


def main() -> None:
    print("fulfilment")
    lines = _lines(5000, 400)
    started = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        group_by_tote(pick_path(lines))
    per_wave = (time.perf_counter() - started) / rounds
    report("pick_path + group_by_tote, 5,000 lines / 400 totes", f"{per_wave * 1000:.1f} ms",
           "reference: under 100 ms")
    started = time.perf_counter()
    for i in range(1000):
        DOCUMENTS.barcode_svg(f"KHG{i:09d}5")  # all different, so none comes from the cache
    report("Code 128 barcodes (inline SVG) per second", f"{1000 / (time.perf_counter() - started):,.0f}",
           "a 100-line pick list draws up to 130")
    sample = pick_path(_lines(100, 30))
    for lang in NAMES:
        started = time.perf_counter()
        pdf = DOCUMENTS.pdf(_pick_list_html(lang, sample))
        report(f"pick list PDF, 100 lines with bin barcodes, {lang}", f"{time.perf_counter() - started:.2f} s",
               f"{len(pdf) // 1024} KiB; reference: under 5 s")


if __name__ == "__main__":
    main()
