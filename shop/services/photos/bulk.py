"""Photos in bulk from a folder (`shop import-images DIR --merchant SLUG`): files named `<SKU>.jpg`,
`<SKU>-2.png`, ... go to that merchant's listings in the order of their numbers, all or none."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from shop.database import write_transaction
from shop.domain.messages import N_, Nn_, Sentence
from shop.extensions import db
from shop.models import Merchant, Product, ProductImage
from shop.services import locking
from shop.services.photos import actions
from shop.services.photos.imaging import MAX_BYTES, ImageRejected

EXTENSIONS = (".jpg", ".jpeg", ".png", ".webp")
_NUMBERED = re.compile(r"^(?P<sku>.+)-(?P<n>[0-9]{1,3})$")
# Problems spelled out in the error's text; the rest are counted.
_SPELLED_OUT = 20

Progress = Callable[[str, int, int], None]  # (stage: "checked" | "saved", done, total)


@dataclass(frozen=True)
class FileProblem:
    name: str
    message: Sentence

    def sentence(self) -> Sentence:
        return N_("%(file)s: %(message)s", file=self.name, message=self.message)


class PhotoImportError(Exception):
    """The folder was refused and nothing was attached; `problems` names each file and why."""

    def __init__(self, problems: list[FileProblem]) -> None:
        self.problems = problems
        super().__init__(problems)

    def sentences(self) -> list[Sentence]:
        lines: list[Sentence] = [Nn_("%(num)d problem; no photo was attached.",
                                     "%(num)d problems; no photo was attached.", len(self.problems))]
        lines += [p.sentence() for p in self.problems[:_SPELLED_OUT]]
        if len(self.problems) > _SPELLED_OUT:
            lines.append(N_("… and %(num)d more.", num=len(self.problems) - _SPELLED_OUT))
        return lines

    def __str__(self) -> str:
        return "\n".join(str(line) for line in self.sentences())


@dataclass
class PhotoImportResult:
    image_ids: list[int] = field(default_factory=list)
    listings: int = 0


def _no_progress(_stage: str, _done: int, _total: int) -> None:
    return None


def _planned(files: list[Path], skus: dict[str, int], problems: list[FileProblem]) -> list[tuple[Path, str, int]]:
    """(file, sku, number) for each file whose name names one of the merchant's listings."""
    planned = []
    for path in files:
        stem = path.stem
        if stem in skus:
            planned.append((path, stem, 1))
            continue
        numbered = _NUMBERED.match(stem)
        if numbered and numbered["sku"] in skus:
            planned.append((path, numbered["sku"], int(numbered["n"])))
        else:
            problems.append(FileProblem(path.name, N_("You have no listing with the SKU this file is named after.")))
    seen: dict[tuple[str, int], str] = {}
    for path, sku, number in planned:
        if (sku, number) in seen:
            problems.append(FileProblem(path.name, N_("Photo %(num)d of %(sku)s is also in %(other)s.",
                                                      num=number, sku=sku, other=seen[(sku, number)])))
        seen[(sku, number)] = path.name
    return sorted(planned, key=lambda p: (p[1], p[2], p[0].name))


def import_images(folder: Path, merchant_slug: str, *, user_id: int | None = None,
                  progress: Progress = _no_progress) -> PhotoImportResult:
    """Attach every photo in `folder` to the merchant's listings, or none: each file is checked
    and cleaned first, and any problem (a name that matches no SKU, a file that is not a JPEG,
    PNG or WebP, too large, too many for a listing) refuses the whole folder."""
    merchant_id = db.session.scalar(sa.select(Merchant.id).where(Merchant.slug == merchant_slug))
    if merchant_id is None:
        raise PhotoImportError([FileProblem(merchant_slug, N_("There is no merchant with this name."))])
    if not folder.is_dir():
        raise PhotoImportError([FileProblem(str(folder), N_("This is not a folder."))])
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    problems: list[FileProblem] = []
    for path in files:
        if path.suffix.lower() not in EXTENSIONS:
            problems.append(FileProblem(path.name, N_("Name photos <SKU>.jpg, <SKU>-2.png, … (JPEG, PNG or WebP).")))
    skus = dict(db.session.execute(sa.select(Product.sku, Product.id).where(Product.merchant_id == merchant_id))
                .all())
    planned = _planned([p for p in files if p.suffix.lower() in EXTENSIONS], skus, problems)
    if not planned and not problems:
        raise PhotoImportError([FileProblem(str(folder), N_("The folder holds no photos."))])
    existing = dict(db.session.execute(
        sa.select(ProductImage.product_id, sa.func.count()).where(ProductImage.product_id.in_(skus.values()))
        .group_by(ProductImage.product_id)).all())
    adding: dict[str, int] = {}
    for _path, sku, _n in planned:
        adding[sku] = adding.get(sku, 0) + 1
    for sku, count in adding.items():
        refused = actions.too_many(existing.get(skus[sku], 0), count)
        if refused is not None:
            problems.append(FileProblem(sku, refused.message))
    if problems:
        raise PhotoImportError(problems)

    stored: dict[str, list[tuple[actions.StoredFile, dict[str, str]]]] = {}
    try:
        for done, (path, sku, _n) in enumerate(planned, start=1):
            try:
                if path.stat().st_size > MAX_BYTES:
                    raise ImageRejected("file_too_large", N_("The file is larger than %(mb)d MB.",
                                                             mb=MAX_BYTES // (1024 * 1024)))
                stored.setdefault(sku, []).append((actions.store(skus[sku], path.read_bytes()), {}))
            except ImageRejected as error:
                problems.append(FileProblem(path.name, error.message))
            except OSError:
                problems.append(FileProblem(path.name, N_("The file cannot be read.")))
            progress("checked", done, len(planned))
        if problems:
            raise PhotoImportError(problems)
        result = PhotoImportResult(listings=len(stored))
        with write_transaction():
            products = {p.sku: p for p in locking.lock_products(Product.id.in_([skus[s] for s in stored]))}
            for done, (sku, kept) in enumerate(sorted(stored.items()), start=1):
                made = actions.attach(products[sku], kept, user_id, "cli")
                result.image_ids += [row.id for row in made]
                progress("saved", done, len(stored))
    except BaseException:
        actions.forget([s.key for files in stored.values() for s, _alts in files])
        raise
    return result
