"""URL slugs from product names in any script (transliterated to Latin)."""
import re

from unidecode import unidecode


def slugify(text: str, max_length: int = 80) -> str:
    ascii_text = unidecode(text or "").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    return slug[:max_length].rstrip("-")
